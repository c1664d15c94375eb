"""The nightly evaluation runs at the configured Vietnam time, and covers last year on 1 January."""

from __future__ import annotations

from datetime import UTC, datetime, time

from baotro_notifications.service_layer.nightly import seconds_until, years_to_evaluate


def test_the_next_run_is_tonight_or_tomorrow_night_in_vietnam_time() -> None:
    # 18:00 UTC = 01:00 in Vietnam (UTC+7): 01:30 is half an hour away
    assert seconds_until(time(1, 30), datetime(2026, 11, 26, 18, 0, tzinfo=UTC)) == 1800
    # 19:00 UTC = 02:00 in Vietnam: the next 01:30 is 23.5 hours away
    assert seconds_until(time(1, 30), datetime(2026, 11, 26, 19, 0, tzinfo=UTC)) == 84600


def test_the_first_night_of_a_year_still_evaluates_the_year_just_ended() -> None:
    new_year_night = datetime(2026, 12, 31, 18, 30, tzinfo=UTC)  # 01:30 on 1 Jan 2027 in Vietnam

    assert years_to_evaluate(new_year_night) == [2026, 2027]
    assert years_to_evaluate(datetime(2027, 3, 1, tzinfo=UTC)) == [2027]
