#!/usr/bin/env bash
# The browser test drives Debian's Chromium. In CI (CI=true) a missing browser is
# installed with apt-get, since the test must run there; elsewhere we only say
# how to get it, and the browser test skips with the same message.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium for the browser test (CI=true)."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  test -x "$CHROMIUM"
else
  echo "Note: Chromium not found at $CHROMIUM; the browser test will be skipped."
  echo "      Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chrome."
fi
