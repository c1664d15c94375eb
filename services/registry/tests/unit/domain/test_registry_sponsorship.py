"""Sponsorship rules: holds with expiry, one sponsor per child, ending, replacement, letters."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from baotro_registry.domain.children import Child, ChildStatus, PersonalData
from baotro_registry.domain.pii_guard import PersonalMarkers
from baotro_registry.domain.sponsorship import (
    HOLD_HOURS,
    EndReason,
    Hold,
    HoldStatus,
    Period,
    Sponsorship,
    SponsorshipRefusedError,
    SponsorshipStatus,
    check_letter,
    choose_replacement,
    end_sponsorship,
    normalise_donor_ref,
    place_hold,
    release_hold,
    start_sponsorship,
)

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
ALICE = "donor:6f1c2b1e-9a55-4a7e-9b43-0b2f8c1d3e4a"
BOB = "donor:0b2f8c1d-3e4a-4a7e-9b43-6f1c2b1e9a55"


def _child(
    birth_year: int = 2016,
    commune: str = "14797",
    *,
    created_at: datetime = NOW,
    status: ChildStatus = ChildStatus.ACTIVE,
) -> Child:
    return Child(
        id=uuid.uuid4(),
        commune_code=commune,
        birth_year=birth_year,
        personal=PersonalData(full_name=""),
        created_at=created_at,
        created_by="worker",
        updated_at=NOW,
        groups=("a",),
        status=status,
    )


CHILD = _child()


def _start(sponsor: str = ALICE, **kw: Any) -> tuple[Sponsorship, Hold | None]:
    values: dict[str, Any] = {
        "sponsor_ref": sponsor,
        "payer_ref": None,
        "amount": 500_000,
        "period": Period.MONTHLY,
        "started_on": TODAY,
        "holds": [],
        "sponsorships": [],
        "created_by": "worker",
        "now": NOW,
    }
    values.update(kw)
    return start_sponsorship(CHILD, **values)


def test_donor_references_are_opaque_ids_only() -> None:
    assert normalise_donor_ref(f"  {ALICE.upper().replace('DONOR', 'donor')} ", field="x") == ALICE
    for bad in ("Nguyễn Văn A", "0912345678", "a@b.vn", "donor:123"):
        with pytest.raises(SponsorshipRefusedError) as refused:
            normalise_donor_ref(bad, field="sponsor_ref")
        assert refused.value.field == "sponsor_ref"


def test_a_hold_expires_after_the_configured_hours() -> None:
    hold = place_hold(CHILD, sponsor_ref=ALICE, holds=[], sponsorships=[], created_by="w", now=NOW)
    assert hold.expires_at == NOW + timedelta(hours=HOLD_HOURS)
    assert hold.is_active(NOW + timedelta(hours=HOLD_HOURS - 1))
    assert not hold.is_active(NOW + timedelta(hours=HOLD_HOURS))


def test_a_second_hold_is_refused_until_the_first_expires_or_is_released() -> None:
    first = place_hold(CHILD, sponsor_ref=ALICE, holds=[], sponsorships=[], created_by="w", now=NOW)
    for sponsor in (BOB, ALICE):
        with pytest.raises(SponsorshipRefusedError) as refused:
            place_hold(
                CHILD, sponsor_ref=sponsor, holds=[first], sponsorships=[], created_by="w", now=NOW
            )
        assert refused.value.status == 409
    later = NOW + timedelta(hours=HOLD_HOURS, seconds=1)
    assert (
        place_hold(
            CHILD, sponsor_ref=BOB, holds=[first], sponsorships=[], created_by="w", now=later
        ).sponsor_ref
        == BOB
    )
    released = release_hold(first, now=NOW)
    assert released.status is HoldStatus.RELEASED
    place_hold(CHILD, sponsor_ref=BOB, holds=[released], sponsorships=[], created_by="w", now=NOW)
    with pytest.raises(SponsorshipRefusedError):
        release_hold(released, now=NOW)


def test_the_holder_starts_the_sponsorship_and_the_hold_is_converted() -> None:
    hold = place_hold(CHILD, sponsor_ref=ALICE, holds=[], sponsorships=[], created_by="w", now=NOW)
    sponsorship, converted = start_sponsorship(
        CHILD,
        sponsor_ref=ALICE,
        payer_ref=BOB,
        amount=500_000,
        period=Period.QUARTERLY,
        started_on=TODAY,
        holds=[hold],
        sponsorships=[],
        created_by="w",
        now=NOW,
    )
    assert sponsorship.payer_ref == BOB
    assert sponsorship.hold_id == hold.id
    assert converted is not None
    assert converted.status is HoldStatus.CONVERTED


def test_another_sponsor_cannot_take_a_held_or_sponsored_child() -> None:
    hold = place_hold(CHILD, sponsor_ref=ALICE, holds=[], sponsorships=[], created_by="w", now=NOW)
    with pytest.raises(SponsorshipRefusedError, match="giữ chỗ"):
        _start(BOB, holds=[hold])
    sponsorship, _ = _start(ALICE)
    with pytest.raises(SponsorshipRefusedError, match="đã có người đỡ đầu"):
        _start(BOB, sponsorships=[sponsorship])


def test_the_payer_defaults_to_the_sponsor_and_the_amount_is_positive() -> None:
    sponsorship, _ = _start()
    assert sponsorship.payer_ref == ALICE
    with pytest.raises(SponsorshipRefusedError) as refused:
        _start(amount=0)
    assert refused.value.field == "amount"


def test_a_departed_child_cannot_be_held() -> None:
    departed = replace(CHILD, status=ChildStatus.DEPARTED)
    with pytest.raises(SponsorshipRefusedError) as refused:
        place_hold(departed, sponsor_ref=ALICE, holds=[], sponsorships=[], created_by="w", now=NOW)
    assert refused.value.status == 409


def test_ending_records_the_status_and_cannot_happen_twice() -> None:
    sponsorship, _ = _start()
    departed = end_sponsorship(sponsorship, reason=EndReason.CHILD_DEPARTED, ended_on=TODAY)
    assert departed.status is SponsorshipStatus.CHILD_DEPARTED
    ended = end_sponsorship(sponsorship, reason=EndReason.SPONSOR_STOPPED, ended_on=TODAY)
    assert ended.status is SponsorshipStatus.ENDED
    with pytest.raises(SponsorshipRefusedError):
        end_sponsorship(ended, reason=EndReason.OTHER, ended_on=TODAY)
    with pytest.raises(SponsorshipRefusedError):
        end_sponsorship(
            sponsorship,
            reason=EndReason.OTHER,
            ended_on=TODAY - timedelta(days=1),
        )


def test_the_replacement_is_of_the_closest_age_band_same_commune_first_then_longest_waiting() -> (
    None
):
    departed = _child(2016)
    older = _child(2010)
    same_band_elsewhere = _child(2017, commune="16522", created_at=NOW - timedelta(days=30))
    same_band_here_new = _child(2018, created_at=NOW)
    same_band_here_old = _child(2019, created_at=NOW - timedelta(days=10))
    candidates = [older, same_band_elsewhere, same_band_here_new, same_band_here_old, departed]
    assert choose_replacement(departed, candidates, today=TODAY) == same_band_here_old
    assert choose_replacement(departed, [older], today=TODAY) == older
    assert choose_replacement(departed, [departed], today=TODAY) is None
    gone = replace(same_band_here_old, status=ChildStatus.DEPARTED)
    assert choose_replacement(departed, [gone], today=TODAY) is None


def test_letters_with_contact_details_are_refused_either_way() -> None:
    markers = PersonalMarkers(full_name="Nguyễn Văn An", address="thôn Yên Lạc")
    assert check_letter("  Chào An, chúc con học giỏi!  ", markers) == "Chào An, chúc con học giỏi!"
    for text in (
        "Con gọi cho cô: 0987 654 321",
        "Email của cô: co.lan@example.com",
        "Cô ở số nhà 25 đường Lê Lợi",
        "Nhà con ở Yên Lạc phải không?",
    ):
        with pytest.raises(SponsorshipRefusedError) as refused:
            check_letter(text, markers)
        assert refused.value.status == 422
        assert "0987" not in refused.value.message
    with pytest.raises(SponsorshipRefusedError, match="không có nội dung"):
        check_letter("   ", markers)
