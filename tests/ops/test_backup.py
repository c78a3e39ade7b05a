"""The backup drill (see backup_drill.py) on the suite's database kind, and the commands."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def _postgres_databases(url: str, *, create: bool) -> tuple[str, str]:
    """Create (or drop) two empty databases beside the suite's; return their URLs."""
    import dj_database_url
    import psycopg

    base = dj_database_url.parse(url)
    admin = url.rsplit("/", 1)[0] + "/postgres"
    names = [f"{base['NAME']}_drill", f"{base['NAME']}_restored"]
    with psycopg.connect(admin, autocommit=True) as db:
        for name in names:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                db.execute(f'CREATE DATABASE "{name}"')
    return tuple(url.rsplit("/", 1)[0] + f"/{name}" for name in names)


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("drill-var")
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(FACTEUR_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="quizapp.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"], target = _postgres_databases(url, create=True)
    else:
        env.pop("DATABASE_URL", None)
        target = str(var_dir / "restored.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "tests.ops.backup_drill", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if url.startswith("postgres"):
        _postgres_databases(url, create=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_backup_taken_while_answers_are_written_restores_every_answer_acknowledged_before(
    drill,
):
    assert drill["acknowledged_before"] > 10  # the class was really answering
    assert drill["acknowledged_during"] + drill["acknowledged_after"] > 0  # and went on
    assert drill["missing_before"] == []
    assert drill["restored"] >= drill["acknowledged_before"]


def test_restore_refuses_a_file_that_is_not_there(tmp_path):
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "nothing.sqlite3"), interactive=False)


def test_restore_refuses_a_backup_of_another_kind_of_database(tmp_path, db):
    wrong = tmp_path / "facteur.pgdump"
    wrong.write_bytes(b"not a dump")
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
    path = tmp_path / "facteur.sqlite3" if vendor else wrong
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="cannot be restored"):
        call_command("restore", str(path), interactive=False)
