"""Deadline rules R-23 (cutoffs), R-25 (extensions), R-26 (time limits), R-32 (callback)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from calendars import calendar_through_2026
from hypothesis import given
from hypothesis import strategies as st

from console.calendar_source import add_year_file, calendar_for_data_dir
from console.domain.deadlines import (
    Deadline,
    callback_due,
    dispatch_cutoff,
    extended_due,
    unit_due,
)
from console.domain.settings import Rules

CAL = calendar_through_2026()  # tests/calendars.py


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- R-23 cutoffs -----------------------------------------------------------------------------


def test_R23_before_1700_same_day():
    assert dispatch_cutoff(dt("2026-11-27 08:30:01")) == dt("2026-11-27 17:00")
    assert dispatch_cutoff(dt("2026-11-27 16:59:59")) == dt("2026-11-27 17:00")


def test_R23_exactly_1700_belongs_to_night_window():
    assert dispatch_cutoff(dt("2026-11-27 17:00:00")) == dt("2026-11-28 12:00")
    assert dispatch_cutoff(dt("2026-11-27 23:59:59")) == dt("2026-11-28 12:00")


def test_R23_exactly_0830_belongs_to_day_window():
    assert dispatch_cutoff(dt("2026-11-27 08:30:00")) == dt("2026-11-27 17:00")
    assert dispatch_cutoff(dt("2026-11-27 08:29:59")) == dt("2026-11-27 12:00")
    assert dispatch_cutoff(dt("2026-11-27 00:00:00")) == dt("2026-11-27 12:00")


def test_R23_night_window_crosses_month_and_year():
    assert dispatch_cutoff(dt("2026-12-31 18:00")) == dt("2027-01-01 12:00")


def test_R23_cutoffs_ignore_holidays():
    # The line runs 24/7: a National Day evening order is still due next noon.
    assert dispatch_cutoff(dt("2026-10-01 20:00")) == dt("2026-10-02 12:00")


def test_R23_county_12h_variant():
    assert dispatch_cutoff(dt("2026-11-27 16:59"), "12h") == dt("2026-11-28 04:59")
    assert dispatch_cutoff(dt("2026-11-27 09:00"), Rules(cutoff_mode="12h").cutoff_mode) == dt("2026-11-27 21:00")
    assert dispatch_cutoff(dt("2026-11-27 09:00"), Rules().cutoff_mode) == dt("2026-11-27 17:00")


def test_R23_bad_mode():
    with pytest.raises(ValueError):
        dispatch_cutoff(dt("2026-11-27 09:00"), "weekly")


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))
def test_R23_cutoff_properties(created):
    cutoff = dispatch_cutoff(created)
    assert timedelta(0) < cutoff - created <= timedelta(hours=19)
    assert cutoff.time() in (time(12), time(17))
    # Same window, same cutoff: the rule depends only on the clock time window.
    if time(8, 30) <= created.time() < time(17):
        assert cutoff == datetime.combine(created.date(), time(17))


# -- R-26 time limits -------------------------------------------------------------------------


def test_R26_start_day_not_counted():
    # Dispatched Monday: Tue..Fri are days 1-4, the next Monday is day 5.
    due = unit_due(dt("2026-11-23 09:00"), 5, CAL)
    assert due == Deadline(dt("2026-11-30 23:59:59"), False)
    # Dispatched late at night or on a Saturday: that day still does not count.
    assert unit_due(dt("2026-11-23 23:59"), 1, CAL).at == dt("2026-11-24 23:59:59")
    assert unit_due(dt("2026-11-28 10:00"), 1, CAL).at == dt("2026-11-30 23:59:59")


def test_R26_spans_national_day_holiday():
    # 9/30 is day 1; 10/1-10/7 off; 10/8, 10/9, Sat 10/10 (调休) and Mon 10/12 are days 2-5.
    assert unit_due(dt("2026-09-29 15:00"), 5, CAL) == Deadline(dt("2026-10-12 23:59:59"), False)


def test_R26_makeup_saturday_counts():
    assert unit_due(dt("2026-02-13 10:00"), 1, CAL).at == dt("2026-02-14 23:59:59")
    assert unit_due(dt("2026-09-18 10:00"), 1, CAL).at == dt("2026-09-20 23:59:59")  # Sunday


def test_R26_complex_ten_days():
    limit = Rules().limit_days("咨询", "complex")
    assert limit == 10
    assert unit_due(dt("2026-11-23 09:00"), limit, CAL).at == dt("2026-12-07 23:59:59")


def test_R26_limits_per_nature():
    rules = Rules(limits={**Rules().limits, "投诉": {"general": 3}, "求助": {"general": 2, "complex": 4}})
    assert rules.limit_days("投诉", "general") == 3
    assert rules.limit_days("投诉", "complex") == 10  # falls back to default
    assert rules.limit_days("求助", "complex") == 4
    assert rules.limit_days("建议", "general") == 5
    assert Rules().limit_days("建议", "general") == 5


def test_R26_zero_limit_rejected():
    with pytest.raises(ValueError):
        unit_due(dt("2026-11-23 09:00"), 0, CAL)


# -- R-25 extensions --------------------------------------------------------------------------


def test_R25_extension_adds_workdays():
    current = unit_due(dt("2026-11-23 09:00"), 5, CAL)  # Mon 11-30
    assert extended_due(current, 3, CAL) == Deadline(dt("2026-12-03 23:59:59"), False)
    # Over a holiday: due Wed 9-30, +2 working days skips 国庆 to Fri 10-09.
    assert extended_due(Deadline(dt("2026-09-30 23:59:59"), False), 2, CAL).at == dt(
        "2026-10-09 23:59:59"
    )


def test_R25_extension_limit_constant_and_bad_days():
    assert Rules().max_extension_days == 7
    with pytest.raises(ValueError):
        extended_due(Deadline(dt("2026-11-30 23:59:59"), False), 0, CAL)


def test_R25_extension_provisional_propagates():
    # Into 2027: provisional; an already provisional deadline stays provisional.
    into_2027 = extended_due(Deadline(dt("2026-12-30 23:59:59"), False), 5, CAL)
    assert into_2027.provisional and into_2027.at.date().year == 2027
    still = extended_due(Deadline(dt("2026-11-30 23:59:59"), True), 1, CAL)
    assert still.provisional


# -- R-32 callback ----------------------------------------------------------------------------


def test_R32_callback_due_three_days():
    assert callback_due(dt("2026-11-28 10:15"), Rules().callback_days) == dt("2026-12-01 10:15")
    # Calendar days: holidays do not stretch it.
    assert callback_due(dt("2026-09-30 16:00"), Rules().callback_days) == dt("2026-10-03 16:00")
    assert callback_due(dt("2026-11-28 10:15"), days=1) == dt("2026-11-29 10:15")


# -- 2027 without an official schedule --------------------------------------------------------


def test_2027_unit_due_is_provisional_and_skips_spring_festival():
    # 除夕 Fri 2027-02-05 .. 初三 Mon 02-08 are off; no makeup weekends invented.
    due = unit_due(dt("2027-02-04 10:00"), 1, CAL)
    assert due == Deadline(dt("2027-02-09 23:59:59"), True)


def test_2027_unit_due_skips_national_day():
    assert unit_due(dt("2027-09-30 10:00"), 1, CAL) == Deadline(dt("2027-10-04 23:59:59"), True)


def test_2026_order_due_in_2027_is_provisional():
    due = unit_due(dt("2026-12-28 10:00"), 5, CAL)
    assert due.provisional and due.at == dt("2027-01-05 23:59:59")


def test_admin_2027_file_makes_deadline_official(tmp_path):
    notice = tmp_path / "2027-notice.toml"
    notice.write_text(
        'year = 2027\nofficial = true\nsource = "test notice"\n'
        'holidays = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09",'
        ' "2027-02-10", "2027-02-11", "2027-02-12"]\n'
        'makeup_workdays = ["2027-02-20"]\n',
        encoding="utf-8",
    )
    before = unit_due(dt("2027-02-04 10:00"), 1, calendar_for_data_dir(tmp_path))
    add_year_file(notice, tmp_path)
    after = unit_due(dt("2027-02-04 10:00"), 1, calendar_for_data_dir(tmp_path))
    assert before == Deadline(dt("2027-02-09 23:59:59"), True)
    assert after == Deadline(dt("2027-02-15 23:59:59"), False)


def test_deadline_is_end_of_day_and_naive():
    due = unit_due(dt("2026-11-23 09:00"), 5, CAL)
    assert due.at.tzinfo is None and due.at.time() == time(23, 59, 59)
    assert isinstance(due.at.date(), date)
