"""Local copies of mail MailSentry deletes from the server, kept where nothing opens them.

Copies are named by content hash with an extension no program is registered for, so a
double click never runs or renders them, and are readable only by their owner.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

SUFFIX = ".quarantined-message"


class LocalCopies:
    """A folder of owner-only copies, one subfolder per account."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, account_id: str, raw: bytes) -> Path:
        """Write ``raw`` durably and return its path; an existing identical copy is kept."""
        folder = self.root / _safe(account_id)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        digest = hashlib.sha256(raw).hexdigest()[:32]
        path = folder / f"{time.strftime('%Y%m%d')}-{digest}{SUFFIX}"
        if path.exists() and path.read_bytes() == raw:
            return path
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, raw)
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(path)
        _fsync_dir(folder)  # the rename itself must survive a power cut before a delete
        return path

    def load(self, path: Path) -> bytes:
        return path.read_bytes()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-._@" else "_" for c in name)[:100]
