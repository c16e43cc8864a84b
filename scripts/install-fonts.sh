#!/usr/bin/env bash
# Installs the CJK font the printed documents (交办单, 督办函) embed: Debian's fonts-wqy-microhei
# (needs root + apt). PDF_FONT_PATH may name another TrueType font or collection instead.
# Exits 0 when the font is there; otherwise says why and exits 1 (`make setup` goes on without
# it: the PDF endpoints then answer 503 with a message).
set -euo pipefail
DEFAULT_FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
FONT="${PDF_FONT_PATH:-$DEFAULT_FONT}"
if [ -f "$FONT" ]; then
  exit 0
fi
if [ "$FONT" != "$DEFAULT_FONT" ]; then
  echo "PDF_FONT_PATH=$FONT does not exist: install that font, or unset PDF_FONT_PATH" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get: install a CJK TrueType font and set PDF_FONT_PATH to it" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-microhei >/dev/null
test -f "$FONT"
