#!/usr/bin/env bash
# Installs from Debian what the tests need of the system, when it is missing:
# - Chromium, for the browser test;
# - the fonts of Noto CJK (Hangul in the Korean figures, the screenshots and
#   both PDFs) and DejaVu (the PDFs' text);
# - TeX Live's XeLaTeX with its Korean support, and latexmk, for the PDFs;
# - poppler-utils, with which the tests read the PDFs.
# CI runs this before `make test` (.ci/run); `make test` itself installs no
# system package, and without a browser its browser test is skipped (failed
# if CI=true).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PACKAGES=""
[ -x "$CHROMIUM" ] || PACKAGES="chromium"
fc-list | grep -q "Noto Sans CJK KR" || PACKAGES="$PACKAGES fonts-noto-cjk"
fc-list | grep -q "DejaVu Serif" || PACKAGES="$PACKAGES fonts-dejavu-core"
command -v xelatex >/dev/null || PACKAGES="$PACKAGES texlive-xetex"
command -v kpsewhich >/dev/null && kpsewhich kotex.sty >/dev/null || PACKAGES="$PACKAGES texlive-lang-korean"
command -v latexmk >/dev/null || PACKAGES="$PACKAGES latexmk"
command -v pdftotext >/dev/null || PACKAGES="$PACKAGES poppler-utils"
if [ -z "$PACKAGES" ]; then
  exit 0
fi
echo "Installing Debian's$PACKAGES for the tests."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # one word per package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null
test -x "$CHROMIUM"
