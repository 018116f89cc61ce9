#!/usr/bin/env bash
# macOS: dist/MailSentry.app and dist/MailSentry-<version>.dmg.
# Run on a Mac from a clone with the venv set up (make translations needs it):
#   installer/macos/build-app.sh
# installer/mailsentry.spec makes the .app itself on macOS (PyInstaller BUNDLE: the
# windowed mailsentry-gui is the app, Contents/MacOS/mailsentry the command line; the
# icon is rendered from resources/icons/mailsentry.svg). PyInstaller signs it ad hoc; to
# hand it to others, sign with a Developer ID and notarize (codesign, xcrun notarytool).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
make translations
.venv/bin/pip install --quiet pyinstaller
.venv/bin/pyinstaller --noconfirm --clean installer/mailsentry.spec

version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)"
stage=build/dmg
rm -rf "$stage"
mkdir -p "$stage"
cp -R dist/MailSentry.app "$stage/"
ln -s /Applications "$stage/Applications"  # drag-to-install
hdiutil create -volname MailSentry -srcfolder "$stage" -fs HFS+ -format UDZO -ov \
  "dist/MailSentry-$version.dmg"
echo "dist/MailSentry-$version.dmg"
