"""The retry schedule of deliveries and the purpose a letter may print."""

from __future__ import annotations

from baotro_notifications.domain.letters import gift_purpose
from baotro_notifications.domain.notices import Backoff, gives_up


def test_backoff_doubles_and_is_capped() -> None:
    backoff = Backoff(30.0, 3600.0)

    assert [backoff.delay(n) for n in (1, 2, 3, 4)] == [30.0, 60.0, 120.0, 240.0]
    assert backoff.delay(20) == 3600.0


def test_a_delivery_fails_after_its_last_attempt() -> None:
    assert not gives_up(4, 5)
    assert gives_up(5, 5)


def test_the_purpose_names_a_campaign_or_an_appeal_alias_never_a_child() -> None:
    assert gift_purpose("campaign", campaign_name="Tết yêu thương 2027") == (
        "ủng hộ chương trình “Tết yêu thương 2027”"
    )
    assert gift_purpose("pledge") == "ủng hộ chương trình vận động của Quỹ"
    assert gift_purpose("appeal", appeal_alias="bé H., 9 tuổi") == (
        "ủng hộ lời kêu gọi giúp đỡ bé H., 9 tuổi"
    )
    assert "trẻ em" in gift_purpose("appeal")
    assert gift_purpose("sponsorship") == "đỡ đầu trẻ em có hoàn cảnh đặc biệt"
    assert gift_purpose("general") == "ủng hộ Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"
