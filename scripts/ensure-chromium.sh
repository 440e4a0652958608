#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium and its WebDriver (chromedriver) are
# installed, for the browser tests of the web interface. Idempotent: does nothing when both
# are there. Never lets a tool download a browser of its own.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have chromium && have chromedriver && fc-list 2>/dev/null | grep -qi 'dejavu\|liberation'; then
  echo "chromium: $(chromium --version 2>/dev/null | head -n 1); $(chromedriver --version 2>/dev/null | head -n 1)"
  exit 0
fi

echo "chromium: installing Debian's chromium, chromium-driver and fonts with Vietnamese glyphs"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core fonts-liberation2 fontconfig >/dev/null
have chromium && have chromedriver || { echo "chromium: installation failed" >&2; exit 1; }
echo "chromium: $(chromium --version 2>/dev/null | head -n 1); $(chromedriver --version 2>/dev/null | head -n 1)"
