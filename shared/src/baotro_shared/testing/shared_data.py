"""Where the real bank statements live (`../shared/data` beside the repository).

`BAOTRO_SHARED_DATA` names the folder; otherwise the first `shared/data` found beside this
checkout or one of its parents (a clone elsewhere still finds it), then `/work/shared/data`.
"""

from __future__ import annotations

import gzip
import os
from functools import cache
from pathlib import Path

FALLBACK = Path("/work/shared/data")


def shared_data_dir() -> Path:
    configured = os.environ.get("BAOTRO_SHARED_DATA")
    if configured:
        return Path(configured)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data"
        if (candidate / "saoke-mttq-2024").is_dir():
            return candidate
    return FALLBACK


def saoke_dir() -> Path:
    """The three real statements of the 2024 flood appeal."""
    return shared_data_dir() / "saoke-mttq-2024"


@cache
def vietcombank_lines() -> tuple[str, ...]:
    """The real 200,361-line Vietcombank statement's CSV lines, header first."""
    path = next(saoke_dir().glob("Vietcombank-*.csv.gz"))
    return tuple(gzip.decompress(path.read_bytes()).decode("utf-8").splitlines())


def vietcombank_slice(first: int, last: int) -> bytes:
    """The statement's header and its data lines first..last (1-based, inclusive), as a file."""
    lines = vietcombank_lines()
    return ("\n".join([lines[0], *lines[first : last + 1]]) + "\n").encode()
