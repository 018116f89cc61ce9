#!/usr/bin/env bash
# Smoke-check a package build (the last step of `make package`; too slow and large for
# the pytest suite):
#   - dist/mailsentry/mailsentry --version prints the app's version;
#   - mailsentry scan resources/samples exits 1 (the samples hold dangerous mail);
#   - mailsentry-gui runs offscreen for 5 s without exiting, with a throw-away MAILSENTRY_HOME;
#   - the .deb unpacks (dpkg-deb -x) to the expected layout, owned by root, and the unpacked
#     copy runs; the .desktop and metainfo files validate (when the validators are installed).
#
# Usage: installer/smoke-test.sh [PYINSTALLER_FOLDER [DEB]]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$root/dist/mailsentry}"
version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/app/__init__.py")"
deb="${2:-$root/dist/mailsentry_${version}_$(dpkg --print-architecture).deb}"
id=org.mailsentry.MailSentry

tmp="$(mktemp -d)"
gui=""
cleanup() {
  if [ -n "$gui" ]; then kill "$gui" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }
ok() { echo "smoke-test: ok: $*"; }
export MAILSENTRY_HOME="$tmp/home"

# 1. --version
got="$("$folder/mailsentry" --version)"
[ "$got" = "mailsentry $version" ] || fail "--version printed '$got'"
ok "mailsentry --version: $got"

# 2. a scan of the samples finds dangerous mail: exit status 1
status=0
"$folder/mailsentry" scan "$root/resources/samples" > "$tmp/scan.txt" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$tmp/scan.txt" >&2; fail "scan exited $status, expected 1"; }
ok "mailsentry scan resources/samples: exit 1, $(grep -E '^[0-9]+ messages?:' "$tmp/scan.txt")"

# 3. the desktop app starts and keeps running (offscreen)
QT_QPA_PLATFORM=offscreen "$folder/mailsentry-gui" > "$tmp/gui.txt" 2>&1 &
gui=$!
sleep 5
kill -0 "$gui" 2>/dev/null || { cat "$tmp/gui.txt" >&2; fail "mailsentry-gui exited within 5 s"; }
kill "$gui"
wait "$gui" 2>/dev/null || true
gui=""
[ -n "$(ls -A "$MAILSENTRY_HOME" 2>/dev/null)" ] || fail "mailsentry-gui wrote nothing to MAILSENTRY_HOME"
ok "mailsentry-gui ran 5 s offscreen (stopped by the test)"

# 4. the .deb
[ -f "$deb" ] || fail "$deb missing"
if dpkg-deb -c "$deb" | awk '{print $2}' | grep -qv '^root/root$'; then
  fail "files in the .deb not owned by root"
fi
dpkg-deb -x "$deb" "$tmp/root"
for path in opt/mailsentry/mailsentry opt/mailsentry/mailsentry-gui \
  opt/mailsentry/_internal/resources/extensions.toml \
  opt/mailsentry/_internal/resources/translations/mailsentry_ja.qm \
  usr/share/applications/$id.desktop usr/share/metainfo/$id.metainfo.xml \
  usr/share/icons/hicolor/scalable/apps/$id.svg; do
  [ -e "$tmp/root/$path" ] || fail "/$path missing from the .deb"
done
[ "$(readlink "$tmp/root/usr/bin/mailsentry")" = /opt/mailsentry/mailsentry ] ||
  fail "/usr/bin/mailsentry does not point to /opt/mailsentry/mailsentry"
cmp -s "$tmp/root/usr/share/icons/hicolor/scalable/apps/$id.svg" "$root/resources/icons/mailsentry.svg" ||
  fail "the icon is not resources/icons/mailsentry.svg"
status=0
"$tmp/root/opt/mailsentry/mailsentry" scan "$root/resources/samples" > /dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "the unpacked mailsentry scan exited $status"
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$tmp/root/usr/share/applications/$id.desktop" || fail ".desktop invalid"
fi
if command -v appstreamcli > /dev/null; then
  appstreamcli validate --no-net "$tmp/root/usr/share/metainfo/$id.metainfo.xml" > "$tmp/as.txt" ||
    { cat "$tmp/as.txt" >&2; fail "metainfo invalid"; }
fi
ok "$(basename "$deb"): $(du -h "$deb" | cut -f1), layout, root ownership, unpacked copy runs"
ok "dist/mailsentry: $(du -sh "$folder" | cut -f1)"
