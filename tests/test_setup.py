"""The set-up scripts behave for a newcomer's machine."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tools_dir(tmp_path: Path, python_version: str | None) -> Path:
    """Return a PATH with the shell tools the script needs and, maybe, a fake python3."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "cat"):
        (bin_dir / tool).symlink_to(subprocess.check_output(["which", tool], text=True).strip())
    if python_version:
        fake = bin_dir / "python3"
        major, minor = python_version.split(".")
        fake.write_text(
            "#!/bin/sh\n"
            f'case "$*" in *exit*) [ {major}{minor:0>2} -ge 312 ]; exit $?;; esac\n'
            f"echo {bin_dir}/python3\n"
        )
        fake.chmod(0o755)
    return bin_dir


def _find_python(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/sh", str(ROOT / "scripts" / "find-python")],
        env={**os.environ, "PATH": str(path)},
        capture_output=True,
        text=True,
    )


def test_without_a_recent_python_the_setup_says_so_in_one_line(tmp_path):
    result = _find_python(_tools_dir(tmp_path, "3.11"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Python 3.12 or newer" in result.stderr


def test_a_recent_python_is_found(tmp_path):
    result = _find_python(_tools_dir(tmp_path, "3.13"))
    assert result.returncode == 0
    assert result.stdout.strip().endswith("python3")
