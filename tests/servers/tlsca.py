"""A throw-away test PKI made at runtime with the ``openssl`` command-line tool.

The ``openssl`` CLI (Debian package ``openssl``) is used rather than the ``cryptography``
package so the tests need no extra Python dependency. Keys are EC P-256: generating them
takes milliseconds, so a whole certificate set costs ~0.1 s.

Certificate variants, named by :data:`CertVariant`:

* ``good``: for 127.0.0.1/localhost, signed by the test CA (trusted via ``cafile``);
* ``self_signed``: for 127.0.0.1/localhost, signed by its own key;
* ``expired``: like ``good`` but valid only in January 2020;
* ``wrong_host``: signed by the test CA, but only for ``wrong.example``;
* ``untrusted``: for 127.0.0.1/localhost, signed by a second CA nobody trusts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import shutil
import ssl
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

CertVariant = Literal["good", "self_signed", "expired", "wrong_host", "untrusted"]
CERT_VARIANTS: tuple[CertVariant, ...] = get_args(CertVariant)

SERVER_HOSTS = ("127.0.0.1", "localhost")
WRONG_HOST = "wrong.example"

# `openssl ca` is the only 3.0 CLI that sets arbitrary validity dates (needed for `expired`).
_CA_CONFIG = """\
[ca]
default_ca = test_ca
[test_ca]
database = {db}/index.txt
new_certs_dir = {db}
serial = {db}/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
"""

_LEAF_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
"""


@dataclass(frozen=True)
class CertFiles:
    """PEM files of one certificate and its unencrypted key, plus its fingerprint."""

    cert: Path
    key: Path
    sha256: str
    """Lower-case hex SHA-256 of the DER certificate (what certificate pinning compares)."""


def fingerprint(cert: Path) -> str:
    """Return the lower-case hex SHA-256 fingerprint of a PEM certificate file."""
    der = ssl.PEM_cert_to_DER_cert(cert.read_text(encoding="ascii"))
    return hashlib.sha256(der).hexdigest()


def _openssl(*args: str | Path, cwd: Path | None = None) -> None:
    """Run ``openssl``; on failure raise with its stderr (no secrets are involved)."""
    exe = shutil.which("openssl")
    if exe is None:
        raise RuntimeError("the openssl tool is missing: apt-get install -y openssl")
    result = subprocess.run(
        [exe, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def _san(hosts: Sequence[str]) -> str:
    """Build a subjectAltName value: IP entries for address literals, DNS entries otherwise."""
    entries = []
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            entries.append(f"DNS:{host}")
        else:
            entries.append(f"IP:{host}")
    return ", ".join(entries)


def _new_key_and_csr(directory: Path, name: str, common_name: str) -> tuple[Path, Path]:
    """Make an EC P-256 key and a certificate request for ``common_name``."""
    key, csr = directory / f"{name}.key", directory / f"{name}.csr"
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={common_name}",
    )  # fmt: skip
    return key, csr


def self_signed(directory: Path, name: str, hosts: Sequence[str] = SERVER_HOSTS) -> CertFiles:
    """Make a self-signed leaf certificate for ``hosts`` (not a CA: it signs only itself)."""
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", f"/CN={hosts[0]}",
        "-addext", f"subjectAltName={_san(hosts)}",
        "-addext", "extendedKeyUsage=serverAuth",
    )  # fmt: skip
    return CertFiles(cert, key, fingerprint(cert))


class CertAuthority:
    """A test certificate authority living in ``directory``; issues server certificates."""

    def __init__(self, directory: Path, name: str = "MailSentry Test CA") -> None:
        self.directory = directory
        self._db = directory / "ca-db"
        self._db.mkdir(parents=True, exist_ok=True)
        (self._db / "index.txt").touch()
        (self._db / "serial").write_text(secrets.token_hex(8) + "\n")
        self._config = directory / "ca.cnf"
        self._config.write_text(_CA_CONFIG.format(db=self._db))
        key, cert = directory / "ca.key", directory / "ca.pem"
        _openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", f"/CN={name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
        self.files = CertFiles(cert, key, fingerprint(cert))

    def issue(
        self, name: str, hosts: Sequence[str] = SERVER_HOSTS, *, expired: bool = False
    ) -> CertFiles:
        """Sign a server certificate for ``hosts``; ``expired`` dates it to January 2020."""
        key, csr = _new_key_and_csr(self.directory, name, hosts[0])
        extensions = self.directory / f"{name}.ext"
        extensions.write_text(_LEAF_EXTENSIONS.format(san=_san(hosts)))
        validity = (
            ("-startdate", "20200101000000Z", "-enddate", "20200201000000Z")
            if expired
            else ("-days", "30")
        )
        cert = self.directory / f"{name}.pem"
        _openssl(
            "ca", "-batch", "-notext", "-config", self._config,
            "-cert", self.files.cert, "-keyfile", self.files.key,
            "-in", csr, "-out", cert, "-extfile", extensions, *validity,
        )  # fmt: skip
        return CertFiles(cert, key, fingerprint(cert))


@dataclass(frozen=True)
class CertSet:
    """The trusted test CA plus one server certificate per :data:`CertVariant`."""

    ca: CertFiles
    untrusted_ca: CertFiles
    good: CertFiles
    self_signed: CertFiles
    expired: CertFiles
    wrong_host: CertFiles
    untrusted: CertFiles

    @property
    def ca_path(self) -> Path:
        """The CA file a verifying client context should load (``cafile=``)."""
        return self.ca.cert

    def variant(self, name: CertVariant) -> CertFiles:
        """Return the server certificate of variant ``name``."""
        if name not in CERT_VARIANTS:
            raise ValueError(f"unknown certificate variant {name!r}")
        files: CertFiles = getattr(self, name)
        return files

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only the test CA (as the app should)."""
        return ssl.create_default_context(cafile=str(self.ca.cert))


def make_cert_set(directory: Path) -> CertSet:
    """Create the test CA, a second untrusted CA and every certificate variant in ``directory``."""
    ca = CertAuthority(directory / "ca")
    rogue = CertAuthority(directory / "untrusted-ca", name="Untrusted Test CA")
    return CertSet(
        ca=ca.files,
        untrusted_ca=rogue.files,
        good=ca.issue("good"),
        self_signed=self_signed(directory / "self-signed", "self_signed"),
        expired=ca.issue("expired", expired=True),
        wrong_host=ca.issue("wrong_host", (WRONG_HOST,)),
        untrusted=rogue.issue("untrusted"),
    )
