"""Output folders swapped in whole: DIR/export, DIR/site and DIR/docs.

Each is written into a new folder under ``DIR/.versions/<name>/`` and then published by replacing
the symbolic link ``DIR/<name>`` atomically (``os.replace``), so a reader (Excel on a CSV, a web
server on the site) sees the old folder or the new one, never a half-written mix. Folders no link
points to (older versions, or one a killed run left half-written) are removed at the next build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

VERSIONS = ".versions"
log = logging.getLogger(__name__)


def remove_stale(data_dir: Path, name: str) -> list[Path]:
    """Remove every version of ``name`` the link does not point to; return what was removed."""
    versions = Path(data_dir) / VERSIONS / name
    link = Path(data_dir) / name
    current = link.resolve() if link.is_symlink() else None
    removed = []
    if versions.is_dir():
        for folder in versions.iterdir():
            if folder.resolve() != current:
                if folder.is_dir():
                    shutil.rmtree(folder)
                else:
                    folder.unlink()
                removed.append(folder)
    for tmp in Path(data_dir).glob(f".{name}.*.tmp"):
        tmp.unlink()
        removed.append(tmp)
    return removed


def new_version(data_dir: Path, name: str) -> Path:
    """An empty folder for the next version of ``name``."""
    folder = Path(data_dir) / VERSIONS / name / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def swap_in(data_dir: Path, name: str, folder: Path) -> Path:
    """Point ``DIR/<name>`` at ``folder`` atomically, then drop the versions nobody points to."""
    link = Path(data_dir) / name
    if link.exists() and not link.is_symlink():
        # a plain folder (made by hand, or by an older xxgk) cannot be replaced atomically: it goes once
        shutil.rmtree(link)
    tmp = link.with_name(f".{name}.{uuid.uuid4().hex}.tmp")
    os.symlink(os.path.relpath(folder, link.parent), tmp)
    os.replace(tmp, link)
    remove_stale(data_dir, name)
    return link


@contextlib.contextmanager
def building(data_dir: Path, name: str) -> Iterator[Path]:
    """Build the next version of ``name`` in the folder this yields: swapped in when the block ends,
    removed if it raises (the previous version stays), versions left by killed runs dropped first."""
    removed = remove_stale(data_dir, name)
    if removed:
        log.warning("removed %d %s folder(s) left by an earlier or killed run", len(removed), name)
    folder = new_version(data_dir, name)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    swap_in(data_dir, name, folder)
