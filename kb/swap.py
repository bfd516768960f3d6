"""Putting a freshly built folder in place of the last good one.

At every instant the target path holds a complete site, the old or the new:
the two are exchanged in one system call where Linux offers it
(renameat2 with RENAME_EXCHANGE). Elsewhere the old site is renamed aside
and the new one renamed in, and the old one is deleted only once the new one
is in place; a run interrupted between the two renames leaves the old site
as <target>.old, which the next run puts back before it builds.
"""
from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def aside(target: Path) -> Path:
    return target.with_name(target.name + ".old")


def recover(target: Path) -> None:
    """Before a build: puts back a site an interrupted swap left aside, or
    removes an aside copy that is stale because the target is complete."""
    old = aside(target)
    if not old.exists():
        return
    if target.exists():
        shutil.rmtree(old)
    else:
        os.rename(old, target)


def swap_in(new: Path, target: Path) -> None:
    """Makes new the target; the previous target is deleted last."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # now the previous site
        return
    old = aside(target)
    if old.exists():
        shutil.rmtree(old)  # the target is complete, so this copy is stale
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Exchanges two paths atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
