#!/usr/bin/env bash
# Makes sure the tools the document tests open reports with are installed: LibreOffice
# (Writer and Calc, headless) to open DOCX and XLSX, poppler-utils for pdftotext and
# pdftoppm. Idempotent: does nothing when they are all there. Debian packages; needs root.
set -euo pipefail

missing=0
command -v soffice >/dev/null 2>&1 || missing=1
command -v pdftotext >/dev/null 2>&1 || missing=1
command -v pdftoppm >/dev/null 2>&1 || missing=1
# Writer alone also provides soffice: check that Calc is there too.
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 || missing=1

if [ "$missing" = 1 ]; then
  echo "installing LibreOffice (Writer, Calc) and poppler-utils"
  apt-get -o DPkg::Lock::Timeout=600 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
fi
