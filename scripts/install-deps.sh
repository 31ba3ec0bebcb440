#!/usr/bin/env bash
# Installs the Debian packages kalshi-fix needs, if missing. Usage: scripts/install-deps.sh [extra packages]
# Runs `apt-get update` at most once per call, and only when something is missing.
set -euo pipefail
# libquickfix-dev: the QuickFixPeer executable (QuickFIX C++ acceptor of the interop tests) is
# a target of the package, so every `swift build` needs it, not only `make test`.
packages=(liburing-dev libssl-dev openssl libquickfix-dev "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "kalshi-fix needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
