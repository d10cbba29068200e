#!/usr/bin/env bash
# Installs the e2e tools pinned by test/e2e/tools/package-lock.json (code-server 4.100.3 = VS Code 1.100.3, the last
# release for Node 20; playwright-core without a browser) into .e2e-tools/, offline except for the npm registry.
# Needs Debian's chromium, ripgrep, build-essential, python3, pkg-config and libkrb5-dev (apt; see the README).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="${DEPLOYLINT_E2E_TOOLS:-$ROOT/.e2e-tools}"
mkdir -p "$TOOLS"
if [ -x "$TOOLS/node_modules/.bin/code-server" ] && cmp -s "$ROOT/test/e2e/tools/package-lock.json" "$TOOLS/package-lock.json"; then
  echo "e2e tools: up to date in $TOOLS"; exit 0
fi
for t in rg chromium; do command -v "$t" >/dev/null || { echo "e2e tools: '$t' is missing (apt-get install chromium ripgrep build-essential python3 pkg-config libkrb5-dev)" >&2; exit 2; }; done
cp "$ROOT/test/e2e/tools/package.json" "$ROOT/test/e2e/tools/package-lock.json" "$TOOLS/"
# @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's rg (version from code-server's shrinkwrap).
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
( cd "$WORK" && npm pack code-server@4.100.3 --silent >/dev/null && tar xzf code-server-*.tgz package/lib/vscode/npm-shrinkwrap.json )
RG_VERSION="$(node -e 'console.log(require(process.argv[1]).packages["node_modules/@vscode/ripgrep"].version)' "$WORK/package/lib/vscode/npm-shrinkwrap.json")"
( cd "$WORK" && npm pack "@vscode/ripgrep@$RG_VERSION" --silent >/dev/null && tar xzf vscode-ripgrep-*.tgz package/lib/postinstall.js )
RG_TAG="$(sed -n "s/^const VERSION = '\(.*\)';.*/\1/p" "$WORK/package/lib/postinstall.js")"
CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_VERSION"
mkdir -p "$CACHE" "$WORK/rg" && cp "$(command -v rg)" "$WORK/rg/rg"
tar czf "$CACHE/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$WORK/rg" rg
# code-server's postinstall refuses root without npm_config_unsafe_perm; node-pty's runs `npx node-gyp` (npm_config_yes).
cd "$TOOLS"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund --foreground-scripts --loglevel=error
./node_modules/.bin/code-server --version
