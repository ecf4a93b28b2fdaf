"""Bar charts drawn at build time: geometry here, markup in `site_builder/templates/_charts.html`.

A chart is plain immutable data: its size (so the browser reserves the space before drawing:
nothing shifts), its bars, its axis labels, a sentence that says what it shows (the text
alternative) and a table of the real numbers for screen readers and for anyone who prefers
figures. No script runs in the reader's browser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.content.dates import format_month
from site_builder.i18n import count, short_months, span_label, words

WIDTH = 480
HEIGHT = 170
TOP = 8
BOTTOM = 24  # room for the axis labels
LEFT = 34  # room for the largest value
RIGHT = 4


@dataclass(frozen=True)
class Bar:
    label: str  # what the bar counts, in words: "octobre 2020"
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: year labels start at their January


@dataclass(frozen=True)
class DataTable:
    """The chart's numbers: a header row, then rows of a header cell and value cells."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class BarChart:
    id: str  # unique in its page: the caption's id, named by the SVG's aria-labelledby
    title: str
    summary: str  # one sentence with the real numbers: the text alternative
    width: int
    height: int
    baseline: float
    top_value: int  # the value of the highest gridline
    top_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    table: DataTable


Month = tuple[int, int]


def count_months(months: Iterable[Month | tuple[int, None]]) -> Counter[Month]:
    """Articles per (year, month); dates without a month are left out."""
    return Counter((y, m) for y, m in months if m is not None)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from `first` to `last`, both included."""
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _nice_top(peak: int) -> int:
    """The gridline value above the peak: 1, 2, 5, 10, 20, 50…"""
    if peak <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= peak:
                return step * factor
        step *= 10


def _bars(values: list[tuple[str, int]], top: int) -> tuple[Bar, ...]:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    gap = 0 if slot <= 3 else 1 if slot <= 8 else round(slot * 0.2, 1)
    width = max(slot - gap, 0.5)
    bars = []
    for i, (label, value) in enumerate(values):
        height = plot_h * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + i * slot + gap / 2, 1),
                y=round(TOP + plot_h - height, 1),
                width=round(width, 1),
                height=round(height, 1),
            )
        )
    return tuple(bars)


def _chart(
    chart_id: str, title: str, summary: str, values: list[tuple[str, int]],
    ticks: list[tuple[int, str]], table: DataTable, at_start: bool = False,
) -> BarChart:  # fmt: skip
    top = _nice_top(max((v for _, v in values), default=0))
    bars = _bars(values, top)
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    if at_start:  # a year label that would run past the right edge is left out
        ticks = [(i, label) for i, label in ticks if LEFT + i * slot + 8 * len(label) <= WIDTH]
    return BarChart(
        id=chart_id,
        title=title,
        summary=summary,
        width=WIDTH,
        height=HEIGHT,
        baseline=HEIGHT - BOTTOM,
        top_value=top,
        top_y=TOP,
        bars=bars,
        ticks=tuple(
            Tick(round(LEFT + i * slot, 1), label, "start")
            if at_start
            else Tick(round(LEFT + (i + 0.5) * slot, 1), label)
            for i, label in ticks
        ),
        table=table,
    )


def _summary(lang: str, span: str, values: list[tuple[str, int]]) -> str:
    w = words(lang)
    total = sum(v for _, v in values)
    peak = max((v for _, v in values), default=0)
    peaks = [label for label, v in values if v == peak]
    text = w["chart_summary"].format(span=span, total=count(total, lang))
    text = text[:1].upper() + text[1:]
    if total:
        labels = ", ".join(peaks[:3]) + ("…" if len(peaks) > 3 else "")
        text += " " + w["chart_peak"].format(n=count(peak, lang), labels=labels)
    return text


def year_month_table(counts: Counter[Month], years: list[int], lang: str) -> DataTable:
    """Years as rows, months as columns, and each year's total: the figures of a chart."""
    w = words(lang)
    rows = []
    for year in years:
        cells = [str(counts.get((year, m), 0)) for m in range(1, 13)]
        cells.append(str(sum(counts.get((year, m), 0) for m in range(1, 13))))
        rows.append((str(year), tuple(cells)))
    return DataTable(
        caption=w["chart_data"],
        columns=(w["year"], *short_months(lang), w["total"]),
        rows=tuple(rows),
    )


def monthly_chart(chart_id: str, counts: Counter[Month], lang: str, title: str) -> BarChart:
    """One bar per month from the first month with articles to the last."""
    first, last = min(counts), max(counts)
    months = months_between(first, last)
    values = [(format_month(y, m, lang), counts.get((y, m), 0)) for y, m in months]
    years = sorted({y for y, _ in months}, reverse=True)
    at_start = len(months) > 12
    if not at_start:
        short = short_months(lang)
        ticks = [(i, short[m - 1]) for i, (_, m) in enumerate(months)]
        if len(months) > 6:
            ticks = ticks[::2]
    else:
        every = max(1, -(-len(years) // 6))  # at most about six year labels
        ticks = [(i, str(y)) for i, (y, m) in enumerate(months) if m == 1 and y % every == 0]
        label_room = 40 / ((WIDTH - LEFT - RIGHT) / len(months))  # in months, about 40 px
        if not ticks or ticks[0][0] > label_room:
            ticks.insert(0, (0, str(first[0])))
    span = span_label(values[0][0], values[-1][0], lang)
    return _chart(
        chart_id, title, _summary(lang, span, values), values, ticks,
        year_month_table(counts, years, lang), at_start,
    )  # fmt: skip


def yearly_chart(chart_id: str, counts: Counter[int], lang: str, title: str) -> BarChart:
    """One bar per year from the first year with articles to the last."""
    w = words(lang)
    years = list(range(min(counts), max(counts) + 1))
    values = [(str(y), counts.get(y, 0)) for y in years]
    every = max(1, -(-len(years) // 8))
    ticks = [(i, str(y)) for i, y in enumerate(years) if (y - years[0]) % every == 0]
    span = span_label(str(years[0]), str(years[-1]), lang)
    rows = tuple((str(y), (str(counts.get(y, 0)),)) for y in reversed(years))
    table = DataTable(w["chart_data"], (w["year"], w["articles_col"]), rows)
    return _chart(chart_id, title, _summary(lang, span, values), values, ticks, table)


def year_overview(chart_id: str, year: int, counts: Counter[Month], lang: str) -> BarChart:
    """The twelve months of one year."""
    w = words(lang)
    short = short_months(lang)
    values = [(format_month(year, m, lang), counts.get((year, m), 0)) for m in range(1, 13)]
    ticks = [(m - 1, short[m - 1]) for m in range(1, 13, 2)]
    title = w["per_month"]
    span = w["in_period"].format(period=year)
    return _chart(
        chart_id, title, _summary(lang, span, values), values, ticks,
        year_month_table(counts, [year], lang),
    )  # fmt: skip


def coverage_chart(
    chart_id: str, months: Iterable[tuple[int, int | None]], lang: str
) -> BarChart | None:
    """A term's coverage over time: per month over up to four years, per year beyond; None
    when there is too little to draw (fewer than two dated articles)."""
    dates = list(months)
    if len(dates) < 2:
        return None
    w = words(lang)
    years = Counter(y for y, _ in dates)
    by_month = count_months(dates)
    dated_to_month = sum(by_month.values()) == len(dates)
    if dated_to_month and max(years) - min(years) < 4:
        return monthly_chart(chart_id, by_month, lang, w["per_month"])
    return yearly_chart(chart_id, years, lang, w["per_year"])
