#!/usr/bin/env bash
# Browser acceptance tests of presign serve (run by scripts/test.sh, which
# starts SeaweedFS and sets PRESIGN_INTEROP_SERVERS): Uppy's own client
# (@uppy/core and @uppy/aws-s3 6.3.1 from npm, bundled with esbuild, no CDN)
# and the page at /, in headless Debian chromium driven by playwright-core
# (no browser download). Installs what it needs, idempotently: chromium with
# apt-get, the npm packages into .tools/browser. The page's screenshot is
# kept in target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

: "${PRESIGN_INTEROP_SERVERS:?start the servers first (scripts/servers/start.sh seaweedfs DIR) and export PRESIGN_INTEROP_SERVERS=DIR}"

if ! command -v chromium >/dev/null; then
  echo "installing chromium from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

tools=.tools/browser
mkdir -p "$tools"
if ! cmp -s scripts/browser/package.json "$tools/package.json" || [ ! -x "$tools/node_modules/.bin/esbuild" ]; then
  echo "installing @uppy/core, @uppy/aws-s3, esbuild and playwright-core into $tools"
  cp scripts/browser/package.json "$tools/package.json"
  (cd "$tools" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
fi

artifacts=$root/target/browser-artifacts
mkdir -p "$artifacts"
NODE_PATH=$root/$tools/node_modules "$tools/node_modules/.bin/esbuild" scripts/browser/uppy-entry.js \
  --bundle --format=iife --log-level=warning --outfile="$artifacts/uppy-bundle.js"

cargo build --quiet --locked -p presign-cli
cp scripts/browser/browser.test.mjs scripts/browser/uppy.html "$tools/"
PRESIGN_BIN=$root/target/debug/presign UPPY_BUNDLE=$artifacts/uppy-bundle.js \
  BROWSER_ARTIFACTS=$artifacts CHROMIUM=$(command -v chromium) \
  node --test --test-reporter=spec "$tools/browser.test.mjs"
echo "screenshot of the page at /: $artifacts/page.png"
