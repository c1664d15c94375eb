"""Old (pre-July 2025) communes of Thanh Hóa and the new units that replaced them."""

from __future__ import annotations

import time

import pytest

from baotro_registry.domain.communes import commune_directory
from baotro_registry.domain.legacy_communes import (
    LegacyCommune,
    ResolvedCommune,
    legacy_directory,
)

THANH_HOA = "38"
HAC_THANH = "14797"
DIEN_BIEN = LegacyCommune("14767", "Phường Điện Biên", "Thành phố Thanh Hóa", (HAC_THANH,))


def test_maps_all_547_old_communes_to_166_new_ones() -> None:
    directory = legacy_directory(THANH_HOA)

    assert len(directory) == 547
    assert {c.new_codes[0] for c in directory} == set(commune_directory(THANH_HOA).communes)


def test_every_new_code_is_a_valid_new_thanh_hoa_code() -> None:
    new_codes = commune_directory(THANH_HOA).communes

    for commune in legacy_directory(THANH_HOA):
        assert commune.new_codes, commune
        assert len(set(commune.new_codes)) == len(commune.new_codes), commune
        for code in commune.new_codes:
            assert code in new_codes, commune


def test_old_codes_are_zero_padded_five_digit_keys() -> None:
    for code, commune in legacy_directory(THANH_HOA).communes.items():
        assert commune.code == code
        assert len(code) == 5
        assert code.isdigit()
        assert commune.name.startswith(("Phường ", "Xã ", "Thị trấn ")), commune.name


def test_ten_divided_old_communes_list_their_main_successor_first() -> None:
    divided = {c.code: c.new_codes for c in legacy_directory(THANH_HOA) if len(c.new_codes) > 1}

    assert len(divided) == 10
    # Thị trấn Thiệu Hóa went to three new communes, mostly to Xã Thiệu Hóa.
    assert divided["15772"] == ("15772", "15796", "15835")
    # Phường An Hưng went mostly to Phường Đông Quang, partly to Phường Hạc Thành.
    assert divided["16435"] == ("16417", HAC_THANH)


def test_phuong_dien_bien_became_phuong_hac_thanh() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.by_code("14767") == DIEN_BIEN
    assert commune_directory(THANH_HOA).communes[HAC_THANH].name == "Phường Hạc Thành"


def test_hac_thanh_absorbed_the_city_centre_wards() -> None:
    absorbed = {c.name for c in legacy_directory(THANH_HOA) if c.new_codes[0] == HAC_THANH}

    assert {"Phường Điện Biên", "Phường Lam Sơn", "Phường Ba Đình", "Phường Đông Thọ"} <= absorbed
    assert len(absorbed) == 11


def test_by_code_pads_and_strips_and_rejects_unknown_codes() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.by_code(" 14767\n") == DIEN_BIEN
    assert directory.by_code("99999") is None
    assert directory.by_code("00004") is None  # Phường Phúc Xá, Hà Nội: another province
    assert directory.by_code("") is None


def test_finds_an_old_ward_by_name_without_diacritics_or_prefix_variants() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.find("phuong dien bien", "TP Thanh Hoa") == [DIEN_BIEN]
    assert directory.find("PHƯỜNG ĐIỆN BIÊN", "Thành phố Thanh Hóa") == [DIEN_BIEN]
    assert directory.find("P. Dien Bien", "tp.thanh hoa") == [DIEN_BIEN]
    assert directory.find("Điện Biên") == [DIEN_BIEN]


def test_find_is_limited_to_the_given_district() -> None:
    directory = legacy_directory(THANH_HOA)

    everywhere = directory.find("Phường Đông Sơn")
    in_bim_son = directory.find("Phường Đông Sơn", "Thị xã Bỉm Sơn")

    assert [c.district_name for c in everywhere] == ["Thành phố Thanh Hóa", "Thị xã Bỉm Sơn"]
    assert [c.code for c in in_bim_son] == ["14821"]
    assert directory.find("Phường Điện Biên", "Huyện Hà Trung") == []


def test_finds_communes_merged_before_2025_by_their_former_name_and_district() -> None:
    # Xã Đông Anh (Huyện Đông Sơn) was merged into Xã Đông Khê, and the district
    # into Thành phố Thanh Hóa, before the July 2025 reform.
    found = legacy_directory(THANH_HOA).find("Xa Dong Anh", "Huyện Đông Sơn")

    assert [(c.code, c.name, c.district_name) for c in found] == [
        ("16408", "Xã Đông Khê", "Thành phố Thanh Hóa")
    ]


def test_diacritics_decide_between_names_that_fold_alike() -> None:
    directory = legacy_directory(THANH_HOA)

    # Thị trấn Thiệu Hóa and Xã Thiệu Hòa are both in Huyện Thiệu Hóa.
    assert [c.code for c in directory.find("Thiệu Hòa", "Thiệu Hóa")] == ["15823"]
    assert [c.code for c in directory.find("thieu hoa", "thieu hoa")] == ["15772", "15823"]
    assert [c.code for c in directory.find("thi tran thieu hoa", "thieu hoa")] == ["15772"]


def test_unknown_or_empty_names_find_nothing() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.find("") == []
    assert directory.find("Phường Không Có") == []


def test_resolves_an_old_code_to_its_new_commune() -> None:
    resolved = legacy_directory(THANH_HOA).resolve("14767")

    assert resolved == ResolvedCommune(
        code=HAC_THANH,
        name="Phường Hạc Thành",
        converted=True,
        old_code="14767",
        old_name="Phường Điện Biên",
        old_district_name="Thành phố Thanh Hóa",
    )


def test_a_new_code_passes_through_unchanged() -> None:
    resolved = legacy_directory(THANH_HOA).resolve(HAC_THANH)

    assert resolved == ResolvedCommune(HAC_THANH, "Phường Hạc Thành", converted=False)


def test_new_codes_reuse_old_codes_and_only_14758_reads_differently() -> None:
    directory = legacy_directory(THANH_HOA)
    new_codes = commune_directory(THANH_HOA).communes

    differing = [
        code
        for code in new_codes
        if (old := directory.by_code(code)) is not None and old.new_codes[0] != code
    ]

    assert all(directory.by_code(code) is not None for code in new_codes)
    assert differing == ["14758"]


def test_an_ambiguous_code_is_read_as_old_when_asked_or_given_a_district() -> None:
    directory = legacy_directory(THANH_HOA)

    as_new = directory.resolve("14758")
    as_old = directory.resolve("14758", legacy=True)
    with_district = directory.resolve("14758", "Thành phố Thanh Hóa")

    assert as_new == ResolvedCommune("14758", "Phường Hàm Rồng", converted=False)
    assert as_old is not None
    assert (as_old.code, as_old.old_name, as_old.other_codes) == (
        HAC_THANH,
        "Phường Đông Thọ",
        ("14758",),
    )
    assert with_district == as_old


def test_unknown_codes_resolve_to_none() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.resolve("99999") is None
    assert directory.resolve("00004") is None
    assert directory.resolve("") is None
    assert directory.resolve("   ") is None


def test_resolves_an_old_name_without_diacritics() -> None:
    resolved = legacy_directory(THANH_HOA).resolve("phuong dien bien", "TP Thanh Hoa")

    assert resolved is not None
    assert (resolved.code, resolved.converted, resolved.old_code) == (HAC_THANH, True, "14767")


def test_resolves_an_old_name_that_no_new_unit_uses_without_a_district() -> None:
    resolved = legacy_directory(THANH_HOA).resolve("Phuong Dien Bien")

    assert resolved is not None
    assert (resolved.code, resolved.old_code) == (HAC_THANH, "14767")


def test_a_new_name_passes_through_unchanged() -> None:
    directory = legacy_directory(THANH_HOA)

    assert directory.resolve("phuong hac thanh") == ResolvedCommune(
        HAC_THANH, "Phường Hạc Thành", converted=False
    )
    # A district written out of habit does not hide a new name.
    resolved = directory.resolve("Phường Hạc Thành", "TP Thanh Hóa")
    assert resolved is not None
    assert resolved.code == HAC_THANH


def test_an_old_name_reused_by_a_new_unit_needs_its_district() -> None:
    directory = legacy_directory(THANH_HOA)

    # The new Xã Lam Sơn (15544) is not the old Xã Lam Sơn of Huyện Ngọc Lặc,
    # which became part of Xã Minh Sơn (15124).
    as_new = directory.resolve("Xã Lam Sơn")
    as_old = directory.resolve("Xã Lam Sơn", "Huyện Ngọc Lặc")

    assert as_new is not None
    assert (as_new.code, as_new.converted) == ("15544", False)
    assert as_old is not None
    assert (as_old.code, as_old.name, as_old.old_code) == ("15124", "Xã Minh Sơn", "15064")


def test_a_divided_old_commune_resolves_to_its_main_successor() -> None:
    resolved = legacy_directory(THANH_HOA).resolve("Thị trấn Thiệu Hóa", "Huyện Thiệu Hóa")

    assert resolved is not None
    assert (resolved.code, resolved.name) == ("15772", "Xã Thiệu Hóa")
    assert resolved.other_codes == ("15796", "15835")


def test_ambiguous_or_unknown_names_resolve_to_none() -> None:
    directory = legacy_directory(THANH_HOA)

    # Phường Đông Tiến and Xã Đồng Tiến fold alike.
    assert directory.resolve("dong tien") is None
    # Two old Phường Đông Sơn, and a new one: the district decides.
    assert directory.resolve("Phường Đông Sơn", legacy=True) is None
    assert directory.resolve("Phường Không Có") is None


def test_every_old_commune_resolves_from_its_own_name_and_district() -> None:
    directory = legacy_directory(THANH_HOA)

    for commune in directory:
        resolved = directory.resolve(commune.name, commune.district_name)
        assert resolved is not None, commune
        assert resolved.old_code == commune.code
        assert resolved.code == commune.new_codes[0]


def test_directory_is_built_once_and_accepts_unpadded_province_codes() -> None:
    assert legacy_directory() is legacy_directory(THANH_HOA)
    assert legacy_directory(" 38") is legacy_directory(THANH_HOA)


def test_provinces_without_a_mapping_file_are_refused() -> None:
    with pytest.raises(LookupError):
        legacy_directory("01")


def test_lookups_are_fast_once_built() -> None:
    directory = legacy_directory(THANH_HOA)
    started = time.perf_counter()

    for commune in directory:
        directory.find(commune.name, commune.district_name)

    assert time.perf_counter() - started < 1.0
