"""Reading how old the antivirus signatures are: ClamAV database headers written in the
documented format (and, where ClamAV's ``sigtool`` is installed, a database it built),
XProtect's plist, and a plain "unknown" when nothing can be read."""

import plistlib
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from app.av import signatures
from app.av.signatures import AntivirusStatus, clamav_date, detect, parse_cvd_header


def cvd_header(date, version=27832):
    """A CVD/CLD header: 512 bytes, colon-separated, padded with spaces."""
    text = f"ClamAV-VDB:{date}:{version}:2046123:90:d41d8cd98f00b204e9800998ecf8427e:X:ms:0"
    return text.encode("ascii").ljust(512, b" ")


def write_db(folder, name, date):
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(cvd_header(date) + b"\x1f\x8b rest of the database")


@pytest.fixture
def linux(monkeypatch):
    monkeypatch.setattr(signatures.sys, "platform", "linux")


def test_header_date():
    assert parse_cvd_header(cvd_header("27 Nov 2026 08-22 +0000")) == datetime(
        2026, 11, 27, 8, 22, tzinfo=UTC
    )
    assert parse_cvd_header(cvd_header("03 Feb 2026 17-05 -0500")) == datetime(
        2026, 2, 3, 22, 5, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "header",
    [
        b"",
        b"ClamAV-VDB",
        b"ClamAV-VDB:yesterday:1:2",
        cvd_header("27 Nov 2026 08:22 +0000"),  # a colon would split the date
        b"PK\x03\x04 not a database at all",
        cvd_header("27 Nov 2026 08-22 +0000").replace(b"ClamAV-VDB", b"ClamAV-XXX"),
    ],
)
def test_bad_headers_give_no_date(header):
    assert parse_cvd_header(header) is None


def test_newest_database_wins(tmp_path):
    write_db(tmp_path, "main.cvd", "16 Sep 2021 08-32 -0400")
    write_db(tmp_path, "daily.cld", "26 Nov 2026 09-10 +0000")
    write_db(tmp_path, "bytecode.cvd", "30 Nov 2026 09-10 +0000")  # not a signature list
    assert clamav_date(tmp_path) == datetime(2026, 11, 26, 9, 10, tzinfo=UTC)
    assert clamav_date(tmp_path / "missing") is None


def test_detect_clamav_in_a_folder(tmp_path, linux):
    empty, clamav = tmp_path / "empty", tmp_path / "clamav"
    empty.mkdir()
    write_db(clamav, "daily.cvd", "24 Nov 2026 06-00 +0000")
    status = detect((empty, clamav))
    assert status == AntivirusStatus("ClamAV", datetime(2026, 11, 24, 6, 0, tzinfo=UTC))
    assert status.age_days(datetime(2026, 11, 27, 9, 0, tzinfo=UTC)) == 3


def test_detect_nothing(tmp_path, linux):
    (tmp_path / "daily.cvd").write_bytes(b"garbage")
    assert detect((tmp_path,)) == AntivirusStatus(None)
    assert detect((tmp_path,)).age_days() is None


@pytest.mark.skipif(shutil.which("sigtool") is None, reason="ClamAV's sigtool is not installed")
def test_database_built_by_sigtool(tmp_path, linux):
    """A real (unsigned) database from ClamAV's own tool, read as freshclam leaves it."""
    build = tmp_path / "build"
    build.mkdir()
    (build / "daily.ndb").write_text("MailSentry.Test.Hybris:0:*:4c434f4c434b4c43\n")
    (build / "COPYING").write_text("Test signatures.\n")  # sigtool refuses to build without
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    subprocess.run(
        ["sigtool", "--unsigned", "--build=daily.cud", "--cvd-version=7", "--no-cdiff",
         f"--datadir={build}"],
        cwd=build, input="mailsentry-tests\n", text=True, capture_output=True, check=True,
        timeout=60,
    )
    info = subprocess.run(["sigtool", f"--info={build / 'daily.cud'}"], text=True,
                          capture_output=True, check=True, timeout=60).stdout
    built = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                 if line.startswith("Build time:"))
    folder = tmp_path / "clamav"
    folder.mkdir()
    shutil.copy(build / "daily.cud", folder / "daily.cvd")
    status = detect((folder,))
    assert status.product == "ClamAV"
    assert status.updated == datetime.strptime(built, "%d %b %Y %H:%M %z")
    assert before <= status.updated <= datetime.now(UTC)
    assert status.age_days() == 0


def test_detect_xprotect(tmp_path, monkeypatch):
    plist = tmp_path / "Info.plist"
    plist.write_bytes(plistlib.dumps({"CFBundleShortVersionString": "5287"}))
    monkeypatch.setattr(signatures.sys, "platform", "darwin")
    monkeypatch.setattr(signatures, "XPROTECT_PLIST", plist)
    status = detect((tmp_path,))
    assert status == AntivirusStatus("XProtect", version="5287")
    assert status.age_days() is None


def test_macos_without_xprotect_falls_back_to_clamav(tmp_path, monkeypatch):
    monkeypatch.setattr(signatures.sys, "platform", "darwin")
    monkeypatch.setattr(signatures, "XPROTECT_PLIST", tmp_path / "missing.plist")
    write_db(tmp_path, "daily.cld", "26 Nov 2026 09-10 +0000")
    assert detect((tmp_path,)).product == "ClamAV"


def test_windows_without_powershell_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(signatures.sys, "platform", "win32")
    monkeypatch.setenv("PATH", str(tmp_path))  # no powershell, no pwsh
    write_db(tmp_path, "daily.cvd", "26 Nov 2026 09-10 +0000")  # ClamAV is not asked
    assert detect((tmp_path,)) == AntivirusStatus(None)


def test_age_is_never_negative():
    status = AntivirusStatus("ClamAV", datetime.now(UTC) + timedelta(days=2))
    assert status.age_days() == 0
