"""Back up and restore the site's database (and the lab's mail), consistent during a class.

SQLite: the online backup API copies a consistent snapshot page by page while
the site goes on writing (each step takes the read lock briefly; a write in
between restarts the copy of the pages it changed). PostgreSQL: pg_dump, whose
snapshot is one transaction, and pg_restore.
"""

import datetime
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"
LAB_SUFFIX = ".lab.tar.gz"
PAGES_PER_STEP = 256  # ~1 MB, then let writers in


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _stamp(now: datetime.datetime | None = None) -> str:
    return (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")


def backup(*, directory: Path | None = None, alias: str = "default") -> list[Path]:
    """Write a backup of the database (and of the lab data, if any); return the files."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"facteur-{_stamp()}"
    db = connections[alias]
    if db.vendor == "sqlite":
        written = [_sqlite_backup(Path(db.settings_dict["NAME"]), stem.with_suffix(SQLITE_SUFFIX))]
    elif db.vendor == "postgresql":
        written = [_pg_dump(db.settings_dict, stem.with_suffix(PG_SUFFIX))]
    else:
        raise BackupError(f"no backup method for {db.vendor}")
    lab = Path(settings.LAB_DATA_DIR)
    if lab.is_dir():
        written.append(_tar(lab, Path(f"{stem}{LAB_SUFFIX}")))
    return written


def _sqlite_backup(source: Path, target: Path) -> Path:
    partial = target.with_suffix(".partial")
    src = sqlite3.connect(source)
    dest = sqlite3.connect(partial)
    try:
        src.backup(dest, pages=PAGES_PER_STEP)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dest.close()
        src.close()
    partial.rename(target)  # a file under the final name is always whole
    return target


def _pg_env(params: dict) -> dict:
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return env


def _pg_args(params: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    return args


def _run(command: list[str], env: dict) -> None:
    # The command is pg_dump or pg_restore with arguments from settings, never user input.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _pg_dump(params: dict, target: Path) -> Path:
    partial = target.with_suffix(".partial")
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", *_pg_args(params)]
    _run([*command, params["NAME"]], _pg_env(params))
    partial.rename(target)
    return target


def _tar(directory: Path, target: Path) -> Path:
    partial = target.with_suffix(".partial")
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(directory, arcname="lab")
    partial.rename(target)
    return target


def restore(*, path: Path, alias: str = "default") -> None:
    """Replace the database `alias` by the backup at `path` (and the lab data beside it).

    The target must be of the backup's kind. Its connection is closed first, so
    that this process holds nothing open on the database it replaces.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    db = connections[alias]
    db.close()
    if path.suffix == SQLITE_SUFFIX and db.vendor == "sqlite":
        _sqlite_restore(path, Path(db.settings_dict["NAME"]))
    elif path.suffix == PG_SUFFIX and db.vendor == "postgresql":
        _pg_restore(path, db.settings_dict)
    else:
        raise BackupError(f"{path.name} cannot be restored into a {db.vendor} database")
    lab = Path(str(path)[: -len(path.suffix)] + LAB_SUFFIX)
    if lab.is_file():
        _untar(lab, Path(settings.LAB_DATA_DIR))


def _sqlite_restore(source: Path, target: Path) -> None:
    # The backup API again, into the live file: it takes the write lock, and
    # readers see the old database or the restored one, never a mix.
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dest = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def _pg_restore(path: Path, params: dict) -> None:
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*command, *_pg_args(params), f"--dbname={params['NAME']}", str(path)], _pg_env(params))


def _untar(archive_path: Path, lab_dir: Path) -> None:
    lab_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("lab/")]
        for member in members:
            member.name = member.name.removeprefix("lab/")
        archive.extractall(lab_dir, members=[m for m in members if m.name], filter="data")
