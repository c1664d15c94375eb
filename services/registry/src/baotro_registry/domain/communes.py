"""Communes and wards of the fund's province (two-tier units since 1 July 2025)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, Ward


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str


@dataclass(frozen=True)
class CommuneDirectory:
    province_code: str
    province_name: str
    communes: dict[str, Commune]

    def get(self, code: str) -> Commune | None:
        """Look up an official 5-digit code; `"4"` is read as `"00004"`."""
        code = code.strip()
        if code.isdigit():
            code = code.zfill(5)
        return self.communes.get(code)


@cache
def commune_directory(province_code: str) -> CommuneDirectory:
    """Every commune/ward of one province, from the `vietnam-provinces` package."""
    province = Province.from_code(int(province_code))  # type: ignore[arg-type]
    province_code = f"{int(province_code):02d}"
    communes = {
        f"{int(w.code):05d}": Commune(f"{int(w.code):05d}", w.name, province_code)
        for w in Ward.iter_by_province(province.code)
    }
    return CommuneDirectory(province_code, province.name, communes)
