"""Dates keep their precision and read naturally in French and English."""

import datetime as dt

import pytest

from site_builder.content.dates import DateError, format_date, parse_date, zone

PARIS = zone("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "precision", "iso"),
    [
        (2020, "year", "2020"),
        ("2020", "year", "2020"),
        ("2020-10", "month", "2020-10"),
        (dt.date(2020, 10, 5), "day", "2020-10-05"),
        ("2020-10-05", "day", "2020-10-05"),
        ("2020-10-05T09:30:00+02:00", "instant", "2020-10-05T09:30:00+02:00"),
    ],
)
def test_a_date_keeps_the_precision_its_author_gave(value, precision, iso):
    date = parse_date(value, PARIS)
    assert date.precision == precision
    assert date.iso() == iso


def test_a_date_time_without_offset_is_in_the_site_time_zone():
    date = parse_date("2020-10-05T09:30:00", PARIS)
    assert date.instant.utcoffset() == dt.timedelta(hours=2)
    winter = parse_date(dt.datetime(2020, 1, 5, 9, 30), PARIS)
    assert winter.instant.utcoffset() == dt.timedelta(hours=1)


def test_a_partial_date_sorts_at_the_start_of_its_period():
    month = parse_date("2020-10", PARIS)
    first_day = parse_date("2020-10-01", PARIS)
    second_day = parse_date("2020-10-02", PARIS)
    year = parse_date("2020", PARIS)
    assert year.sort_key(PARIS) < month.sort_key(PARIS)
    assert month.sort_key(PARIS) == first_day.sort_key(PARIS) < second_day.sort_key(PARIS)


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("2020-10", "fr", "octobre 2020"),
        ("2020-10", "en", "October 2020"),
        ("2020-10-01", "fr", "1er octobre 2020"),
        ("2020-10-05", "fr", "5 octobre 2020"),
        ("2020-10-05", "en", "October 5, 2020"),
        ("2020-08", "fr", "août 2020"),
        ("2020", "fr", "2020"),
        ("2020-10-05", "de", "5. Oktober 2020"),
    ],
)
def test_dates_read_naturally_in_the_article_language(value, lang, shown):
    assert format_date(parse_date(value, PARIS), lang) == shown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020-13", "month 13 does not exist"),
        ("2020-02-30", "is not a real day"),
        ("octobre 2020", "is not a date"),
        (True, "expected a date"),
        ([2020], "expected a date"),
    ],
)
def test_a_bad_date_says_what_is_wrong(value, message):
    with pytest.raises(DateError, match=message):
        parse_date(value, PARIS)
