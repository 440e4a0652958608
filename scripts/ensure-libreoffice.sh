#!/usr/bin/env bash
# Makes sure LibreOffice's headless converter (soffice) is installed: the `check` tests
# turn the sample reports into DOCX and PDF with it. Installs Debian's
# libreoffice-writer-nogui if absent. Idempotent: does nothing when soffice runs.
set -euo pipefail

if command -v soffice >/dev/null 2>&1 && soffice --version >/dev/null 2>&1; then
  echo "libreoffice: $(soffice --version | head -n 1)"
  exit 0
fi
echo "libreoffice: not installed; installing Debian's libreoffice-writer-nogui"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libreoffice-writer-nogui >/dev/null
soffice --version | head -n 1
