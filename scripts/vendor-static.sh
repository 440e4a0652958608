#!/usr/bin/env bash
# Re-fetches the third-party browser files of the web interface from the npm registry with
# the ordinary npm client (which checks each tarball against the registry's integrity hash),
# and copies them into crates/web/static/vendor/. The binary embeds them; nothing is loaded
# from a CDN. Run it only to change a version; then update crates/web/static/VENDOR.md.
#   bash scripts/vendor-static.sh          fetch and copy
#   bash scripts/vendor-static.sh --check  compare the committed files with the sha256 sums below
set -euo pipefail
cd "$(dirname "$0")/.."

# package@version  file in the package  name in static/vendor (sums in vendor/SHA256SUMS)
FILES=(
  "htmx.org@2.0.11 dist/htmx.min.js htmx-2.0.11.min.js"
  "htmx.org@2.0.11 LICENSE htmx-LICENSE.txt"
  "echarts@6.1.0 LICENSE echarts-LICENSE.txt"
  "echarts@6.1.0 NOTICE echarts-NOTICE.txt"
)
ECHARTS_VERSION=6.1.0
ESBUILD_VERSION=0.25.12
SUMS_FILE=crates/web/static/vendor/SHA256SUMS
dest=crates/web/static/vendor

if [ "${1:-}" = "--check" ]; then
  (cd "$dest" && sha256sum -c SHA256SUMS)
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/sums"
for entry in "${FILES[@]}"; do
  read -r spec path name <<<"$entry"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x"
  tar -xzf "$tarball" -C "$work/x"
  cp "$work/x/package/$path" "$dest/$name"
  (cd "$dest" && sha256sum "$name") >> "$work/sums"
  rm -rf "$work/x" "$tarball"
  echo "vendored $spec $path -> $dest/$name"
done

# ECharts is bundled with only the parts the dashboard draws with (scripts/vendor/
# echarts-dashboard.js): about 40% of the full build's weight for a phone to download.
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "echarts@$ECHARTS_VERSION" "esbuild@$ESBUILD_VERSION")
cp scripts/vendor/echarts-dashboard.js "$work/entry.js"
(cd "$work" && ./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2017 \
  --legal-comments=none --outfile="echarts-$ECHARTS_VERSION-dashboard.min.js")
cp "$work/echarts-$ECHARTS_VERSION-dashboard.min.js" "$dest/"
(cd "$dest" && sha256sum "echarts-$ECHARTS_VERSION-dashboard.min.js") >> "$work/sums"
echo "bundled echarts@$ECHARTS_VERSION (esbuild $ESBUILD_VERSION) -> $dest/echarts-$ECHARTS_VERSION-dashboard.min.js"
cp "$work/sums" "$SUMS_FILE"
