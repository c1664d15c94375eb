"""Generate `baotro_registry/reference/legacy_communes_<province>.json`.

The file maps every pre-1 July 2025 commune/ward of a province (the three-tier
era: province → district → commune) to the two-tier commune(s)/ward(s) that
replaced it. It is built once from the data files of `vietnamadminunits`
(legacy units, their former names and the 2025 conversion tables) and the new
official codes of `vietnam-provinces`, which is the code list the registry
uses everywhere else (`baotro_registry.domain.communes`).

Run from the workspace root:

    .venv/bin/python services/registry/scripts/build_legacy_communes.py
    .venv/bin/python services/registry/scripts/build_legacy_communes.py --check

`--check` rebuilds in memory and fails if the shipped file is out of date.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from unidecode import unidecode
from vietnam_provinces import Province, Ward

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "src" / "baotro_registry" / "reference"

# Type prefixes used by `vietnamadminunits` in the keys of former names ("xahoanglong",
# "ttrungthong", ...); longest first so "thitran" wins over "tt".
_WARD_PREFIXES = ("thitran", "phuong", "xa", "tt")
_DISTRICT_PREFIXES = ("thanhpho", "thixa", "huyen", "quan", "tp", "tx")


def _data_dir() -> Path:
    """Locate `vietnamadminunits/data` without importing the package (its import is slow)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _fold(text: str) -> str:
    """Key of a name: ASCII, lower case, letters and digits only."""
    return "".join(ch for ch in unidecode(_nfc(text)).lower() if ch.isalnum())


def _short_alias(key: str, prefixes: tuple[str, ...] = _WARD_PREFIXES) -> str:
    """Strip the unit-type prefix of a `vietnamadminunits` alias key."""
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def _json_list(raw: str | None) -> list[str]:
    if not raw:
        return []
    value = json.loads(raw)
    return [str(item) for item in value]


def build(province_code: str) -> dict[str, Any]:
    """Compute the legacy → new mapping of one (new) province."""
    province_code = f"{int(province_code):02d}"
    data_dir = _data_dir()
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))

    # The official new units, as used by the registry; matched by full folded name.
    province = Province.from_code(int(province_code))  # type: ignore[arg-type]
    official: dict[str, tuple[str, str]] = {}
    for ward in Ward.iter_by_province(province.code):
        key = _fold(ward.name)
        if key in official:
            raise SystemExit(f"two new units fold to {key!r}")
        official[key] = (f"{int(ward.code):05d}", ward.name)

    with sqlite3.connect(data_dir / "dataset.db") as conn:
        conn.row_factory = sqlite3.Row
        new_rows = conn.execute(
            "SELECT provinceKey, wardKey, ward, wardCode FROM admin_units WHERE provinceCode = ?",
            (province_code,),
        ).fetchall()
        if not new_rows:
            raise SystemExit(f"no new units for province {province_code}")
        new_province_key = new_rows[0]["provinceKey"]
        old_province_keys: list[str] = converter["DICT_PROVINCE"][new_province_key]
        # One query per old province (a new province may merge several).
        old_rows = [
            row
            for key in old_province_keys
            for row in conn.execute(
                "SELECT provinceKey, districtKey, wardKey, ward, wardCode, district, "
                "districtAlias, wardAlias FROM admin_units_legacy WHERE provinceKey = ?",
                (key,),
            )
        ]

    # New ward key of `vietnamadminunits` → official code, reconciled by name
    # (the two packages disagree on a few codes; the registry trusts
    # `vietnam-provinces`).
    new_code_by_key: dict[str, str] = {}
    code_disagreements: list[str] = []
    for row in new_rows:
        key = _fold(row["ward"])
        if key not in official:
            raise SystemExit(f"new unit {row['ward']!r} is unknown to vietnam-provinces")
        code, name = official[key]
        new_code_by_key[row["wardKey"]] = code
        if f"{int(row['wardCode']):05d}" != code:
            code_disagreements.append(
                f"{name}: vietnamadminunits {row['wardCode']}, official {code}"
            )
    if len(new_code_by_key) != len(official):
        raise SystemExit("the two packages do not list the same new units")

    # Old "province_district_ward" key → new ward keys, main (default) one first.
    undivided: dict[str, list[str]] = converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_province_key]
    divided: dict[str, list[dict[str, Any]]] = converter["DICT_PROVINCE_WARD_DIVIDED"].get(
        new_province_key, {}
    )
    targets: dict[str, list[str]] = defaultdict(list)
    for new_key, old_keys in undivided.items():
        for old_key in old_keys:
            targets[old_key].append(new_key)
    for old_key, parts in divided.items():
        if old_key in targets:
            raise SystemExit(f"{old_key} is both divided and undivided")
        defaults = [p["newWardKey"] for p in parts if p["isDefaultNewWard"]]
        if len(defaults) != 1:
            raise SystemExit(f"{old_key} has {len(defaults)} default new units")
        others = sorted(
            (p["newWardKey"] for p in parts if not p["isDefaultNewWard"]),
            key=lambda k: new_code_by_key[k],
        )
        targets[old_key] = defaults + others

    communes: list[dict[str, Any]] = []
    district_aliases: dict[str, set[str]] = defaultdict(set)
    unmapped: list[str] = []
    for row in old_rows:
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
        new_keys = targets.pop(old_key, [])
        if not new_keys or len(new_keys) != len(set(new_keys)):
            unmapped.append(f"{row['wardCode']} {row['ward']}, {row['district']}")
            continue
        own = _fold(row["ward"])
        aliases = sorted(
            {_short_alias(a) for a in _json_list(row["wardAlias"])} - {own, _short_alias(own)}
        )
        district = _nfc(row["district"])
        district_aliases[district].update(_json_list(row["districtAlias"]))
        communes.append(
            {
                "code": f"{int(row['wardCode']):05d}",
                "name": _nfc(row["ward"]),
                "district": district,
                "new_codes": [new_code_by_key[k] for k in new_keys],
                "former_names": aliases,
            }
        )
    if unmapped:
        raise SystemExit("old units without a new unit:\n  " + "\n  ".join(unmapped))
    if targets:
        raise SystemExit(f"conversion entries without an old unit: {sorted(targets)}")
    communes.sort(key=lambda c: c["code"])
    if len({c["code"] for c in communes}) != len(communes):
        raise SystemExit("duplicate old codes")

    return {
        "province_code": province_code,
        "province_name": province.name,
        "generated_by": "services/registry/scripts/build_legacy_communes.py",
        "sources": {
            name: importlib.metadata.version(name)
            for name in ("vietnamadminunits", "vietnam-provinces")
        },
        "notes": [
            "Old units as of 30 June 2025 (districts after the 1 January 2025 mergers).",
            "new_codes: official codes (vietnam-provinces); the main new unit comes first.",
            "former_names: folded keys of units merged into this one before July 2025.",
            *(f"code reconciled by name: {d}" for d in code_disagreements),
        ],
        "district_aliases": {
            d: sorted({_short_alias(a, _DISTRICT_PREFIXES) for a in aliases})
            for d, aliases in sorted(district_aliases.items())
            if aliases
        },
        "communes": communes,
    }


def render(document: dict[str, Any]) -> str:
    """JSON with one commune per line, so that reviews show readable diffs."""
    head = {k: v for k, v in document.items() if k != "communes"}
    lines = json.dumps(head, ensure_ascii=False, indent=1)[:-2]  # drop the closing "\n}"
    rows = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in document["communes"])
    return f'{lines},\n "communes": [\n{rows}\n ]\n}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="38", help="new province code (default 38)")
    parser.add_argument("--check", action="store_true", help="fail if the file is outdated")
    args = parser.parse_args(argv)

    document = build(args.province)
    text = render(document)
    assert json.loads(text) == document
    path = REFERENCE_DIR / f"legacy_communes_{document['province_code']}.json"
    split = sum(1 for c in document["communes"] if len(c["new_codes"]) > 1)
    summary = (
        f"{len(document['communes'])} old units → "
        f"{len({c['new_codes'][0] for c in document['communes']})} new units "
        f"({split} old units split)"
    )
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date; rerun without --check", file=sys.stderr)
            return 1
        print(f"{path.name} is up to date: {summary}")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: {summary}")
    for note in document["notes"]:
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
