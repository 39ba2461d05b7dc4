"""Real storage faults for SQLite, made with the kernel's own mounts (the tests run as root).

Root ignores file permissions, so `chmod 444` would not make a database read-only; a read-only
bind mount of the file does, for root too, and leaves the directory writable for SQLite's -wal
and -shm files, exactly like a database file its service may read but not write. A small tmpfs
gives a disk that really fills up (ENOSPC on write, as on a full partition).
"""
from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import require_service


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        require_service(f"cannot mount ({' '.join(args)}): {result.stderr.strip()} — these fault tests need root")


def _unmount(target: Path) -> None:
    # Lazy: a connection the test left open must not leave the mount behind.
    subprocess.run(["umount", "--lazy", str(target)], check=True, capture_output=True, timeout=30)


@contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """`path` made read-only for every process, root included, until the block ends."""
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        _unmount(path)


@contextmanager
def small_disk(directory: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `directory` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory))
    try:
        yield directory
    finally:
        _unmount(directory)


def fill(directory: Path) -> Path:
    """Write zeros into `directory` until the disk is full; the file, to delete for space."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while out.write(b"\0" * 4096):  # tmpfs allocates whole pages: nothing is left after
                pass
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler
