#!/usr/bin/env bash
# Makes sure Debian's headless-capable `chromium` is installed, for the dashboard preview
# (screenshots) and its test. Idempotent: does nothing when chromium already runs.
# Installs with apt-get (needs root, or sudo without a password); never downloads a browser
# from anywhere else, so the binary is the one Debian security-patches.
set -euo pipefail

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [ -x "$CHROMIUM_BIN" ] && "$CHROMIUM_BIN" --headless --no-sandbox --version >/dev/null 2>&1; then
  echo "chromium present: $("$CHROMIUM_BIN" --version 2>/dev/null)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM_BIN is missing and we are not root (and have no password-less sudo)." >&2
  echo "  install it yourself: apt-get update && apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get not found; this script supports Debian/Ubuntu. Install chromium and set CHROMIUM_BIN." >&2
  exit 1
fi

# Serialise concurrent callers (parallel test workers, two npm scripts at once): dpkg takes
# its own lock, but the second caller should wait and then find chromium installed.
exec 9>/tmp/fleetwatch-ensure-chromium.lock
flock 9
if [ -x "$CHROMIUM_BIN" ] && "$CHROMIUM_BIN" --headless --no-sandbox --version >/dev/null 2>&1; then
  echo "chromium present: $("$CHROMIUM_BIN" --version 2>/dev/null)"
  exit 0
fi

echo "ensure-chromium: installing Debian's chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM_BIN" --version
