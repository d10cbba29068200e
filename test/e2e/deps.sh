#!/usr/bin/env bash
# The system packages npm run test:e2e needs (Debian names): chromium (the browser code-server is driven with), neovim
# (the second editor), ripgrep (seeds @vscode/ripgrep's download), and build-essential, python3, pkg-config and
# libkrb5-dev (code-server's native modules are built from source). Installs the missing ones with apt-get when it
# can (root, or password-less sudo). Exit 0: all present; 3: missing and cannot be installed here (the reason is printed).
set -euo pipefail
PKGS=(chromium neovim ripgrep build-essential python3 pkg-config libkrb5-dev)
missing() {
  local out=() p
  for p in "${PKGS[@]}"; do
    case "$p" in
      chromium) [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || out+=("$p") ;;
      neovim) command -v nvim >/dev/null || out+=("$p") ;;
      ripgrep) command -v rg >/dev/null || out+=("$p") ;;
      build-essential) { command -v make >/dev/null && command -v g++ >/dev/null; } || out+=("$p") ;;
      python3) command -v python3 >/dev/null || out+=("$p") ;;
      pkg-config) command -v pkg-config >/dev/null || out+=("$p") ;;
      libkrb5-dev) [ -f /usr/include/gssapi/gssapi.h ] || out+=("$p") ;;
    esac
  done
  echo "${out[@]:-}"
}
need="$(missing)"
if [ -z "$need" ]; then
  echo "e2e deps: all present (${PKGS[*]})"
  exit 0
fi
echo "e2e deps: missing: $need"
if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else SUDO=(none); fi
if [ "${SUDO[*]:-}" = none ] || ! command -v apt-get >/dev/null; then
  why="$(command -v apt-get >/dev/null && echo "not root and no password-less sudo" || echo "no apt-get (not Debian/Ubuntu)")"
  echo "e2e deps: cannot install $need: $why" >&2
  exit 3
fi
# shellcheck disable=SC2086
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
need="$(missing)"
if [ -n "$need" ]; then
  echo "e2e deps: still missing after apt-get install: $need" >&2
  exit 3
fi
echo "e2e deps: installed"
