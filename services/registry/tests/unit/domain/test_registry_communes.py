"""The communes and wards of the fund's province (two-tier units since 1 July 2025)."""

from __future__ import annotations

from baotro_registry.domain.communes import Commune, commune_directory

THANH_HOA = "38"


def test_thanh_hoa_has_166_communes_and_wards() -> None:
    directory = commune_directory(THANH_HOA)

    assert directory.province_code == THANH_HOA
    assert directory.province_name == "Thanh Hóa"
    assert len(directory.communes) == 166


def test_knows_phuong_hac_thanh_by_its_code() -> None:
    directory = commune_directory(THANH_HOA)

    assert directory.get("14797") == Commune("14797", "Phường Hạc Thành", THANH_HOA)


def test_lookup_ignores_surrounding_whitespace() -> None:
    commune = commune_directory(THANH_HOA).get(" 14797\n")

    assert commune is not None
    assert commune.code == "14797"


def test_codes_of_other_provinces_are_unknown() -> None:
    directory = commune_directory(THANH_HOA)

    assert directory.get("00004") is None
    assert directory.get("") is None
    assert directory.get("phường") is None


def test_every_commune_belongs_to_the_province_and_is_keyed_by_its_code() -> None:
    for code, commune in commune_directory(THANH_HOA).communes.items():
        assert commune.code == code
        assert code.isdigit()
        assert commune.province_code == THANH_HOA
        assert commune.name.startswith(("Phường ", "Xã ")), commune.name


def test_directory_is_built_once_per_province() -> None:
    assert commune_directory(THANH_HOA) is commune_directory(THANH_HOA)


def test_official_zero_padded_codes_are_known_in_every_province() -> None:
    commune = commune_directory("01").get("00004")

    assert commune is not None
    assert commune.name == "Phường Ba Đình"
