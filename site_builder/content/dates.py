"""Article dates that keep their precision: a year, a month, a day or an instant.

A month-only date stays a month ("octobre 2020"): no day is ever invented. Sorting puts a
partial date at the start of its period, in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from site_builder.content.characters import excerpt

YEAR, MONTH, DAY, INSTANT = "year", "month", "day", "instant"

_YEAR_RE = re.compile(r"^(\d{4})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class ArticleDate:
    """A date at the precision its author gave. `instant` is set only for date-times (aware)."""

    year: int
    month: int | None = None
    day: int | None = None
    instant: dt.datetime | None = None

    @property
    def precision(self) -> str:
        if self.instant is not None:
            return INSTANT
        if self.day is not None:
            return DAY
        if self.month is not None:
            return MONTH
        return YEAR

    def start(self, tz: dt.tzinfo) -> dt.datetime:
        """The aware instant at which this date's period starts, in `tz` for partial dates."""
        if self.instant is not None:
            return self.instant
        return dt.datetime(self.year, self.month or 1, self.day or 1, tzinfo=tz)

    def sort_key(self, tz: dt.tzinfo) -> float:
        return self.start(tz).timestamp()

    def iso(self) -> str:
        """The date as written at its precision (`2020`, `2020-10`, `2020-10-05`, full ISO)."""
        if self.instant is not None:
            return self.instant.isoformat()
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def calendar_day(self) -> dt.date | None:
        """The calendar day in the author's own terms (local day for instants)."""
        if self.instant is not None:
            return self.instant.date()
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        return None


class DateError(ValueError):
    """A date value that is not one of the accepted forms."""


# Every year the pipeline can sort, write in a feed and name in a URL with four digits.
FIRST_YEAR, LAST_YEAR = 1000, 9999


def parse_date(value: object, tz: dt.tzinfo) -> ArticleDate:
    """Accept what YAML gives for `date:` (str, int, date, datetime) and keep its precision.

    A date-time without an offset is in the site's time zone `tz`. Years run from
    `FIRST_YEAR` to `LAST_YEAR`, and a date-time must have a time in UTC (its feed entry's).
    """
    date = _parse(value, tz)
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise DateError(
            f"{_shown(value)} is outside the years {FIRST_YEAR} to {LAST_YEAR}: write a year of "
            "four digits in that range"
        )
    if not _has_utc_time(date):
        raise DateError(
            f"{_shown(value)} is after the end of {LAST_YEAR} in UTC, and the years run from "
            f"{FIRST_YEAR} to {LAST_YEAR}: write an earlier time or another offset"
        )
    return date


def _shown(value: object) -> str:
    return excerpt(value if isinstance(value, str) else str(value))


def _has_utc_time(date: ArticleDate) -> bool:
    if date.instant is None:
        return True
    try:
        date.instant.astimezone(dt.UTC)
    except OverflowError:  # the last hours of 9999 behind UTC
        return False
    return True


def _parse(value: object, tz: dt.tzinfo) -> ArticleDate:
    if isinstance(value, bool):
        raise DateError("expected a date such as 2020, 2020-10 or 2020-10-05")
    if isinstance(value, dt.datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=tz)
        return ArticleDate(instant.year, instant.month, instant.day, instant)
    if isinstance(value, dt.date):
        return ArticleDate(value.year, value.month, value.day)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateError("expected a date such as 2020, 2020-10 or 2020-10-05")
    text = value.strip()
    if m := _YEAR_RE.match(text):
        return ArticleDate(int(m[1]))
    if m := _MONTH_RE.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateError(f"month {month:02d} does not exist in {excerpt(text)}")
        return ArticleDate(year, month)
    if m := _DAY_RE.match(text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            if int(m[1]) < FIRST_YEAR:  # year 0: `dt.date` refuses it before we can
                return ArticleDate(int(m[1]))
            raise DateError(f"{excerpt(text)} is not a real day ({exc})") from None
        return ArticleDate(day.year, day.month, day.day)
    try:
        instant = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DateError(
            f"{excerpt(text)} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time"
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=tz)
    return ArticleDate(instant.year, instant.month, instant.day, instant)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def base_language(lang: str) -> str:
    return lang.split("-")[0].lower()


def format_month(year: int, month: int, lang: str) -> str:
    """`octobre 2020`, `October 2020`."""
    names = MONTHS.get(base_language(lang))
    if names is None:
        return _babel_format(dt.date(year, month, 1), "yMMMM", lang)
    return f"{names[month - 1]} {year}"


def format_day(day: dt.date, lang: str) -> str:
    """`1er octobre 2020`, `5 octobre 2020`, `October 5, 2020`."""
    base = base_language(lang)
    if base == "fr":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {MONTHS['fr'][day.month - 1]} {day.year}"
    if base == "en":
        return f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}"
    return _babel_format(day, "yMMMMd", lang)


def format_date(date: ArticleDate, lang: str) -> str:
    """The date as a reader of `lang` expects it, at the date's own precision."""
    day = date.calendar_day()
    if day is not None:
        return format_day(day, lang)
    if date.month is not None:
        return format_month(date.year, date.month, lang)
    return str(date.year)


def _babel_format(day: dt.date, skeleton: str, lang: str) -> str:
    # Babel is only loaded for languages other than French and English.
    from babel.core import UnknownLocaleError
    from babel.dates import format_skeleton

    try:
        return format_skeleton(skeleton, day, locale=lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return day.isoformat() if skeleton.endswith("d") else f"{day.year}-{day.month:02d}"
