#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is missing. CI runs
# this before `make test` (.ci/run); `make test` itself installs no system
# package, and without a browser its browser test is skipped (failed if CI=true).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
echo "Chromium not found at $CHROMIUM: installing Debian's chromium for the browser test."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
test -x "$CHROMIUM"
