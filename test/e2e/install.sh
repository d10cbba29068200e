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
bash "$ROOT/test/e2e/deps.sh" || { echo "e2e tools: system packages missing (see above)" >&2; exit 2; }
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
# npm 11 warns that install scripts not covered by `allowScripts` are not approved; they run unless strict-allow-scripts
# is on, which is forced off here: code-server's install scripts build its native modules.
cd "$TOOLS"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_unsafe_perm=true npm_config_yes=true npm_config_strict_allow_scripts=false \
  npm ci --no-audit --no-fund --foreground-scripts --loglevel=error
# The install scripts did run: the native modules code-server loads were built, else nothing below works.
VS="$TOOLS/node_modules/code-server/lib/vscode/node_modules"
for m in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node; do
  [ -f "$VS/$m" ] || { echo "e2e tools: $VS/$m was not built (npm did not run code-server's install scripts?)" >&2; rm -f "$TOOLS/package-lock.json"; exit 2; }
done
./node_modules/.bin/code-server --version
