"""A helpful refusal for a commune code that is not current: an old code names its successor."""

from __future__ import annotations

from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.legacy_communes import legacy_directory


def unknown_commune_message(code: str, directory: CommuneDirectory) -> str:
    """Vietnamese message for a code outside the current units, naming the new unit if old."""
    old = legacy_directory(directory.province_code).by_code(code.strip())
    if old is not None and old.new_codes:
        new = directory.get(old.new_codes[0])
        if new is not None:
            return (
                f"Mã '{code}' là mã cũ của {old.name} ({old.district_name}), trước ngày "
                f"01/7/2025. Nay thuộc {new.name}: dùng mã {new.code}."
            )
    return (
        f"Mã xã/phường '{code}' không thuộc {directory.province_name} (dùng mã đơn vị hành "
        f"chính mới từ 01/7/2025, {len(directory.communes)} xã, phường)."
    )
