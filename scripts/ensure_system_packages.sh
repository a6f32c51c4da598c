#!/usr/bin/env bash
# Installs what the browser test needs from Debian when it is missing:
# Chromium, and a font with Hangul (fonts-noto-cjk) so that the Korean
# edition's screenshots show Korean text, not boxes. CI runs this before
# `make test` (.ci/run); `make test` itself installs no system package, and
# without a browser its browser test is skipped (failed if CI=true).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PACKAGES=""
[ -x "$CHROMIUM" ] || PACKAGES="chromium"
fc-list :lang=ko 2>/dev/null | grep -q . || PACKAGES="$PACKAGES fonts-noto-cjk"
if [ -z "$PACKAGES" ]; then
  exit 0
fi
echo "Installing Debian's$PACKAGES for the browser test."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # one word per package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null
test -x "$CHROMIUM"
