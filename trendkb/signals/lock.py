"""One writer at a time per signals folder.

The lock is an flock on trends/signals/.collect.lock: the kernel drops it when
the process ends, however it ends, so a crashed run never leaves a stale lock
behind. The file is removed when the run finishes; a killed run leaves it,
and git ignores it until the next run takes the lock and removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".collect.lock"


class LockHeld(Exception):
    """Another process holds the lock."""


class RunLock:
    """Context manager holding the lock of `signals_dir`; raises LockHeld when another process holds it."""

    def __init__(self, signals_dir: Path):
        self.path = Path(signals_dir) / LOCK_NAME
        self._fd: int | None = None
        self._made_dir = False

    def __enter__(self) -> RunLock:
        self._made_dir = not self.path.parent.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise LockHeld(f"another 'trendkb collect' (process {holder}) is writing trends/signals/; "
                               "wait for it to finish and run again") from None
            # The holder before us may have removed the file between our open and our lock:
            # then we hold a lock on a file nobody else can see, so start over.
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self._fd)  # closing releases the flock
        self._fd = None
        if self._made_dir:
            # A run that stored nothing leaves no empty folder behind (rmdir fails if it wrote signals).
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()
