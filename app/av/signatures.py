"""How old the machine's antivirus signatures are, where that can be found out.

ClamAV (Linux): the build date in the header of ``daily.cld``/``daily.cvd``. Windows
Defender: ``Get-MpComputerStatus`` through PowerShell. macOS: XProtect's version. When
nothing can be read, say so plainly: MailSentry never guesses that a machine is safe.
"""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CLAMAV_DIRS = (
    Path("/var/lib/clamav"),
    Path("/usr/local/share/clamav"),
    Path("/opt/homebrew/share/clamav"),
)
XPROTECT_PLIST = Path(
    "/Library/Apple/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist"
)


@dataclass(frozen=True)
class AntivirusStatus:
    """What was found: the product, and its signature date or version, if known."""

    product: str | None
    updated: datetime | None = None
    version: str | None = None

    def age_days(self, now: datetime | None = None) -> int | None:
        if self.updated is None:
            return None
        return max(0, ((now or datetime.now(UTC)) - self.updated).days)


def clamav_date(folder: Path) -> datetime | None:
    """The newest build date among the ClamAV databases in ``folder``."""
    dates = []
    for name in ("daily.cld", "daily.cvd", "main.cld", "main.cvd"):
        path = folder / name
        try:
            with path.open("rb") as handle:
                header = handle.read(512)
        except OSError:
            continue
        date = parse_cvd_header(header)
        if date is not None:
            dates.append(date)
    return max(dates) if dates else None


def parse_cvd_header(header: bytes) -> datetime | None:
    """``ClamAV-VDB:27 Nov 2026 08-22 +0000:27832:...`` → the build time."""
    fields = header.decode("ascii", "replace").split(":")
    if len(fields) < 3 or fields[0] != "ClamAV-VDB":
        return None
    try:
        return datetime.strptime(fields[1].strip(), "%d %b %Y %H-%M %z")
    except ValueError:
        return None


def _defender_date() -> datetime | None:
    shell = shutil.which("powershell") or shutil.which("pwsh")
    if shell is None:
        return None
    command = "(Get-MpComputerStatus).AntivirusSignatureLastUpdated.ToUniversalTime().ToString('o')"
    try:
        done = subprocess.run(  # noqa: S603 - a fixed command line, no user input
            [shell, "-NoProfile", "-Command", command],
            capture_output=True,
            text=True,
            timeout=15,
            check=True,
        )
        return datetime.fromisoformat(done.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def _xprotect_version() -> str | None:
    try:
        with XPROTECT_PLIST.open("rb") as handle:
            return str(plistlib.load(handle).get("CFBundleShortVersionString"))
    except (OSError, plistlib.InvalidFileException, ValueError):
        return None


def detect(clamav_dirs: tuple[Path, ...] = CLAMAV_DIRS) -> AntivirusStatus:
    """The antivirus status of this machine (may take a moment on Windows)."""
    if sys.platform == "win32":
        date = _defender_date()
        return AntivirusStatus("Windows Defender" if date else None, date)
    if sys.platform == "darwin":
        version = _xprotect_version()
        if version:
            return AntivirusStatus("XProtect", version=version)
    for folder in clamav_dirs:
        date = clamav_date(folder)
        if date is not None:
            return AntivirusStatus("ClamAV", date)
    return AntivirusStatus(None)
