"""The file that tells the lab server which faulty endpoints to serve: `<data_dir>/faults.json`.

The site writes it whole from its tickets (the database is the truth); the lab
server polls it and opens or closes listening ports to match, as it re-reads
accounts.json for logins. No socket between the two, nothing to keep in sync
but a file.
"""

import json
from pathlib import Path

from quizapp.lab.server.store import locked, write_atomically


def endpoints_file(data_dir: Path) -> Path:
    return Path(data_dir) / "faults.json"


def write_endpoints(data_dir: Path, entries: list[dict]) -> None:
    """Replace the list of endpoints (each {"port", "fault", "params"}), atomically."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    data = json.dumps({"endpoints": sorted(entries, key=lambda e: e["port"])}, indent=1)
    with locked(Path(data_dir) / ".faults.lock"):
        write_atomically(endpoints_file(data_dir), data.encode(), mode=0o600)


def read_endpoints(data_dir: Path) -> dict[int, dict]:
    """Return {port: entry}; an absent or unreadable file serves nothing."""
    try:
        data = json.loads(endpoints_file(data_dir).read_bytes())
        return {int(entry["port"]): entry for entry in data["endpoints"]}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return {}
