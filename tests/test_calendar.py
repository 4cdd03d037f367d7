"""Working-day calendar: official years from chinese-calendar, provisional years, year files."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import chinese_calendar
import pytest
from calendars import calendar_through_2026
from hypothesis import given, settings
from hypothesis import strategies as st

from console.calendar_source import (
    SHIPPED_DIR,
    STATUTORY_FILE,
    add_year_file,
    calendar_for_data_dir,
    load_calendar,
    parse_year_file,
)
from console.domain.calendar import WorkCalendar, YearSchedule, fixed_statutory_holidays
from console.paths import admin_calendar_dir

CAL = calendar_through_2026()  # tests/calendars.py: 2027 provisional whatever the library knows
FIRST_OFFICIAL = date(2004, 1, 1)
LAST_OFFICIAL = date(2026, 12, 31)

OFFICIAL_2027 = """\
year = 2027
official = true
source = "test notice 2027"
holidays = ["2027-01-01", "2027-01-02", "2027-01-03",
            "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
            "2027-02-11", "2027-02-12",
            "2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06",
            "2027-10-07"]
makeup_workdays = ["2027-02-20", "2027-09-26", "2027-10-09"]
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def day_by_day(start: date, n: int) -> date:
    """Independent oracle: walk with chinese-calendar's own per-day answer."""
    d = start
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


# -- official years ---------------------------------------------------------------------------


def test_official_years_come_from_chinese_calendar():
    assert CAL.is_known(2004) and CAL.is_known(2025) and CAL.is_known(2026)
    assert not CAL.is_known(2027)
    assert not CAL.is_known(2003)


def test_2026_makeup_days_are_weekend_workdays():
    # From chinese-calendar 1.11's 2026 table: Sunday 2026-01-04 and Saturday 2026-02-28 are 调休.
    for d in (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 10, 10)):
        assert d.weekday() >= 5
        assert chinese_calendar.is_workday(d)
        assert CAL.is_workday(d)


def test_holiday_weekday_is_not_a_workday():
    assert not CAL.is_workday(date(2026, 10, 5))  # Monday inside 国庆
    assert not CAL.is_workday(date(2026, 1, 2))  # Friday, 元旦
    assert CAL.is_workday(date(2026, 11, 27))  # ordinary Friday
    assert not CAL.is_workday(date(2026, 11, 28))  # ordinary Saturday


def test_public_holiday_for_greeting():
    assert CAL.is_public_holiday(date(2026, 10, 1))
    assert CAL.is_public_holiday(date(2026, 2, 17))  # 春节 初一
    assert not CAL.is_public_holiday(date(2026, 10, 10))  # makeup Saturday
    assert not CAL.is_public_holiday(date(2026, 11, 28))  # plain Saturday
    assert CAL.is_public_holiday(date(2027, 2, 6))  # 2027 初一, from the statutory table
    assert not CAL.is_public_holiday(date(2027, 2, 10))


def test_every_official_day_matches_chinese_calendar():
    d = FIRST_OFFICIAL
    while d <= LAST_OFFICIAL:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_add_zero_and_negative():
    assert CAL.add_workdays(date(2026, 10, 3), 0) == (date(2026, 10, 3), False)
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 10, 3), -1)


def test_workdays_between_inverse_and_sign():
    a, b = date(2026, 9, 28), date(2026, 10, 12)
    assert CAL.workdays_between(a, b) == 6  # 9/29, 9/30, 10/8, 10/9, 10/10 (Sat), 10/12
    assert CAL.workdays_between(b, a) == -6
    assert CAL.workdays_between(a, a) == 0


# -- properties -------------------------------------------------------------------------------

any_day = st.dates(min_value=date(2004, 1, 1), max_value=date(2040, 12, 31))
official_start = st.dates(min_value=FIRST_OFFICIAL, max_value=date(2026, 10, 31))
counts = st.integers(min_value=1, max_value=30)


@given(any_day, counts)
def test_lands_on_a_workday(start, n):
    day, _ = CAL.add_workdays(start, n)
    assert CAL.is_workday(day)
    assert day > start


@given(any_day, st.integers(min_value=0, max_value=30))
def test_monotonic_in_n(start, n):
    assert CAL.add_workdays(start, n + 1)[0] > CAL.add_workdays(start, n)[0]


@given(any_day, any_day, counts)
def test_monotonic_in_start(a, b, n):
    a, b = sorted((a, b))
    assert CAL.add_workdays(a, n)[0] <= CAL.add_workdays(b, n)[0]


@settings(max_examples=300)
@given(official_start, counts)
def test_agrees_with_day_by_day_count(start, n):
    day, provisional = CAL.add_workdays(start, n)
    assert day == day_by_day(start, n)
    assert provisional is False
    assert CAL.workdays_between(start, day) == n


@given(st.dates(min_value=date(2026, 12, 1), max_value=date(2026, 12, 31)), counts)
def test_provisional_iff_an_unofficial_year_is_examined(start, n):
    day, provisional = CAL.add_workdays(start, n)
    assert provisional == (day.year >= 2027)


def test_makeup_weekends_across_2026():
    # 调休 weekends count: Sat 1/3 is off but Sun 1/4 works; Sat 2/14 and Sat 2/28 work.
    assert CAL.add_workdays(date(2026, 1, 2), 1) == (date(2026, 1, 4), False)
    assert CAL.add_workdays(date(2026, 2, 13), 1) == (date(2026, 2, 14), False)
    assert CAL.add_workdays(date(2026, 2, 13), 2) == (date(2026, 2, 24), False)
    assert CAL.add_workdays(date(2026, 2, 27), 1) == (date(2026, 2, 28), False)
    assert CAL.add_workdays(date(2026, 5, 8), 1) == (date(2026, 5, 9), False)


# -- provisional years ------------------------------------------------------------------------


def test_2027_is_provisional_and_skips_spring_festival():
    # 除夕 is Fri 2027-02-05; 初一..初三 Sat-Mon; no makeup days are invented.
    assert CAL.add_workdays(date(2027, 2, 4), 1) == (date(2027, 2, 9), True)
    assert not CAL.is_workday(date(2027, 2, 8))


def test_2027_skips_national_day():
    assert CAL.add_workdays(date(2027, 9, 30), 1) == (date(2027, 10, 4), True)


def test_2027_has_no_makeup_days():
    saturdays = [date(2027, 1, 2) + timedelta(weeks=w) for w in range(52)]
    assert not any(CAL.is_workday(d) for d in saturdays)


def test_year_beyond_table_uses_fixed_dates_only():
    assert not CAL.is_known(2040)
    assert not CAL.is_workday(date(2040, 10, 2))  # Tuesday, 国庆
    assert CAL.is_workday(date(2040, 2, 13))  # would be 春节 but the lunar table ends in 2035
    assert CAL.add_workdays(date(2040, 9, 28), 1) == (date(2040, 10, 4), True)


def test_no_official_schedule_shipped_for_2027():
    for path in SHIPPED_DIR.glob("*.toml"):
        if path.name != STATUTORY_FILE:
            assert parse_year_file(path).year != 2027 or not parse_year_file(path).official


# -- statutory table --------------------------------------------------------------------------


def _statutory():
    return tomllib.loads((SHIPPED_DIR / STATUTORY_FILE).read_text(encoding="utf-8"))["years"]


def test_statutory_table_covers_2027_to_2035_with_13_days():
    years = _statutory()
    assert sorted(map(int, years)) == list(range(2027, 2036))
    for y, fest in years.items():
        days = {d for ds in fest.values() for d in ds}
        # 中秋 may coincide with 国庆 (2028-10-03): the union is then 12 days.
        assert len(days) in (12, 13), y
        assert len(fest["spring_festival"]) == 4
        assert fest["labour_day"] == [f"{y}-05-01", f"{y}-05-02"]
        assert fest["national_day"] == [f"{y}-10-01", f"{y}-10-02", f"{y}-10-03"]


def test_statutory_lunar_dates_checked_by_hand():
    years = _statutory()
    assert years["2027"]["spring_festival"][:2] == ["2027-02-05", "2027-02-06"]  # 除夕, 初一
    assert years["2028"]["spring_festival"][1] == "2028-01-26"
    assert years["2027"]["mid_autumn"] == ["2027-09-15"]
    assert years["2027"]["dragon_boat"] == ["2027-06-09"]


def test_statutory_qingming_matches_solar_term_formula():
    for y, fest in _statutory().items():
        terms = chinese_calendar.get_solar_terms(date(int(y), 4, 1), date(int(y), 4, 10))
        assert [d.isoformat() for d, name in terms if name == "清明"] == fest["qingming"]


# -- pure WorkCalendar ------------------------------------------------------------------------


def test_spill_over_dates_from_neighbouring_year_file():
    sched = YearSchedule(2031, frozenset({date(2030, 12, 31), date(2031, 1, 1)}),
                         frozenset({date(2030, 12, 28)}), "x", True)
    cal = WorkCalendar({2031: sched}, {})
    assert not cal.is_workday(date(2030, 12, 31))  # Tuesday, off by the 2031 notice
    assert cal.is_workday(date(2030, 12, 28))  # Saturday makeup
    assert not cal.is_known(2030)


def test_schedule_rejects_day_both_off_and_on():
    with pytest.raises(ValueError):
        YearSchedule(2030, frozenset({date(2030, 1, 5)}), frozenset({date(2030, 1, 5)}), "x", True)


def test_fixed_statutory():
    assert date(2050, 5, 2) in fixed_statutory_holidays(2050)
    assert len(fixed_statutory_holidays(2050)) == 6


def test_status_lists_official_and_provisional():
    rows = {r.year: r for r in CAL.status()}
    assert rows[2026].official and rows[2026].source.startswith("chinese-calendar")
    assert not rows[2027].official
    assert [r.year for r in CAL.status()] == sorted(rows)


# -- year files -------------------------------------------------------------------------------


def test_admin_2027_file_makes_it_official(tmp_path):
    before = calendar_for_data_dir(tmp_path).add_workdays(date(2027, 2, 4), 1)
    assert before == (date(2027, 2, 9), True)
    sched = add_year_file(write(tmp_path / "notice.toml", OFFICIAL_2027), tmp_path)
    assert sched.year == 2027 and sched.official
    assert (admin_calendar_dir(tmp_path) / "2027.toml").is_file()
    cal = calendar_for_data_dir(tmp_path)
    assert cal.is_known(2027)
    assert cal.add_workdays(date(2027, 2, 4), 1) == (date(2027, 2, 15), False)
    assert cal.is_workday(date(2027, 2, 20))  # makeup Saturday now counts


def test_admin_dir_overrides_shipped(tmp_path):
    admin = tmp_path / "a"
    admin.mkdir()
    write(admin / "2026.toml", 'year = 2026\nofficial = true\nsource = "override"\n'
                               'holidays = ["2026-11-27"]\n')
    cal = load_calendar(extra_dirs=[admin])
    assert not cal.is_workday(date(2026, 11, 27))
    assert cal.is_workday(date(2026, 10, 5))  # the override replaces the whole year


@pytest.mark.parametrize(
    "text, expected",
    [
        ('year = 2027\nofficial = true\nsource = "n"\nholidays = ["2027-13-01"]\n',
         ["line 4", "'holidays'", "2027-13-01"]),
        ('year = 2027\nofficial = true\nsource = "n"\nholidays = ["2027-1-1"]\n',
         ["line 4", "'holidays'"]),
        ('year = 2027\nofficial = tru\nsource = "n"\nholidays = []\n', ["invalid TOML", "line 2"]),
        ('year = 2027\nofficial = true\nholidays = []\n', ["missing field 'source'"]),
        ('year = 2027\nofficial = "yes"\nsource = "n"\nholidays = []\n', ["line 2", "'official'"]),
        ('year = 2027\nofficial = true\nsource = "n"\nholiday = []\n', ["line 4", "'holiday'"]),
        ('year = 2027\nofficial = true\nsource = "n"\nholidays = []\n'
         'makeup_workdays = ["2027-02-10"]\n', ["line 5", "weekday"]),
        ('year = 2027\nofficial = true\nsource = "n"\nholidays = ["2028-06-01"]\n',
         ["line 4", "outside year 2027"]),
        ('year = 2027\nofficial = true\nsource = "n"\nholidays = ["2027-02-20"]\n'
         'makeup_workdays = ["2027-02-20"]\n', ["'makeup_workdays'", "also listed"]),
        ("year = 27\nofficial = true\nsource = \"n\"\nholidays = []\n", ["line 1", "'year'"]),
    ],
)
def test_bad_year_file_names_file_and_line(tmp_path, text, expected):
    path = write(tmp_path / "bad-2027.toml", text)
    with pytest.raises(ValueError) as err:
        parse_year_file(path)
    message = str(err.value)
    assert "bad-2027.toml" in message
    for part in expected:
        assert part in message


def test_bad_file_is_not_copied(tmp_path):
    src = write(tmp_path / "x.toml", 'year = 2027\nofficial = true\nsource = "n"\nholidays = [1]\n')
    with pytest.raises(ValueError):
        add_year_file(src, tmp_path)
    assert not admin_calendar_dir(tmp_path).exists() or not any(admin_calendar_dir(tmp_path).iterdir())


def test_native_toml_dates_accepted(tmp_path):
    path = write(tmp_path / "y.toml", "year = 2027\nofficial = false\nsource = \"draft\"\n"
                                      "holidays = [2027-01-01]\n")
    sched = parse_year_file(path)
    assert sched.holidays == {date(2027, 1, 1)} and not sched.official


def test_two_files_for_one_year_in_a_dir(tmp_path):
    for name in ("a.toml", "b.toml"):
        write(tmp_path / name, 'year = 2027\nofficial = true\nsource = "n"\nholidays = []\n')
    with pytest.raises(ValueError, match="already given"):
        load_calendar(extra_dirs=[tmp_path])

