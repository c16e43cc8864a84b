#!/usr/bin/env bash
# Vendors Twilio's Voice JavaScript SDK into hotline/static/vendor/twilio-voice/ (no CDN: the
# console serves it from our own static files). Reproducible: the pinned version's tarball is
# fetched from the npm registry with `npm pack`, its SHA-512 checked against the registry's
# `dist.integrity`, then the browser bundle and the licence are copied, and VERSION records the
# version, that integrity and the bundle's SHA-256 (tests/staff/console/test_vendored_sdk.py
# checks the committed file against it).
#
#   bash scripts/vendor-voice-sdk.sh            # the pinned version
#   bash scripts/vendor-voice-sdk.sh 2.18.6     # another one (update PINNED and commit)
set -euo pipefail

PINNED="2.18.5"
VERSION="${1:-$PINNED}"
PACKAGE="@twilio/voice-sdk"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/hotline/static/vendor/twilio-voice"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is needed (apt-get install -y npm)" >&2; exit 1; }
cd "$WORK"
expected="$(npm view "$PACKAGE@$VERSION" dist.integrity)"
[ -n "$expected" ] || { echo "the registry has no $PACKAGE@$VERSION" >&2; exit 1; }
tarball="$(npm pack "$PACKAGE@$VERSION" --silent | tail -n 1)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$expected" != "$actual" ]; then
  echo "integrity mismatch for $tarball: registry $expected, downloaded $actual" >&2
  exit 1
fi
tar xzf "$tarball"
# The package's browser bundle defines the global `Twilio` (Twilio.Device, Twilio.Call).
test -f package/dist/twilio.min.js || { echo "no dist/twilio.min.js in $tarball" >&2; exit 1; }

mkdir -p "$DEST"
cp package/dist/twilio.min.js "$DEST/twilio.min.js"
cp package/LICENSE.md "$DEST/LICENSE.md"
{
  echo "$PACKAGE $VERSION (npm pack $PACKAGE@$VERSION; dist/twilio.min.js)"
  echo "integrity $expected"
  echo "sha256 $(sha256sum "$DEST/twilio.min.js" | cut -d' ' -f1) twilio.min.js"
} >"$DEST/VERSION"
echo "vendored $PACKAGE $VERSION into ${DEST#"$ROOT"/}"
