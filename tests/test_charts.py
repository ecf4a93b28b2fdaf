"""Charts drawn at build time: sizes fixed in advance, numbers readable without the picture."""

from collections import Counter

from site_builder.pages.charts import (
    HEIGHT,
    WIDTH,
    count_months,
    coverage_chart,
    monthly_chart,
    months_between,
    year_overview,
)


def test_months_between_crosses_years():
    assert months_between((2020, 11), (2021, 2)) == [(2020, 11), (2020, 12), (2021, 1), (2021, 2)]


def test_a_monthly_chart_has_one_bar_per_month_including_empty_ones():
    counts = Counter({(2020, 10): 3, (2021, 1): 1})
    chart = monthly_chart("c", counts, "fr", "Articles par mois")
    assert [b.value for b in chart.bars] == [3, 0, 0, 1]
    assert chart.bars[0].label == "octobre 2020"
    assert (chart.width, chart.height) == (WIDTH, HEIGHT)
    tallest = chart.bars[0]
    assert tallest.y + tallest.height == chart.baseline
    assert all(b.x >= 0 and b.x + b.width <= WIDTH for b in chart.bars)


def test_the_summary_says_the_real_numbers_in_the_reader_s_language():
    counts = Counter({(2020, 10): 3, (2021, 1): 1})
    fr = monthly_chart("c", counts, "fr", "Articles par mois").summary
    assert fr == "D’octobre 2020 à janvier 2021 : 4 articles. Maximum : 3 articles (octobre 2020)."
    en = monthly_chart("c", counts, "en", "Articles per month").summary
    assert en == "From October 2020 to January 2021: 4 articles. Peak: 3 articles (October 2020)."


def test_the_table_holds_every_month_and_each_year_s_total():
    counts = Counter({(2020, 10): 3, (2021, 1): 1})
    table = monthly_chart("c", counts, "fr", "t").table
    assert table.columns[0] == "Année" and table.columns[-1] == "Total"
    assert len(table.columns) == 14
    assert table.rows[0] == ("2021", ("1", *["0"] * 11, "1"))
    assert table.rows[1][1][9] == "3" and table.rows[1][1][-1] == "3"


def test_long_spans_label_years_and_keep_labels_inside_the_picture():
    counts = Counter({(2005, 3): 1, (2024, 12): 2})
    chart = monthly_chart("c", counts, "en", "t")
    assert len(chart.bars) == 12 * 20 - 2
    assert 2 <= len(chart.ticks) <= 8
    assert all(t.label.isdigit() for t in chart.ticks)
    assert all(t.x + 8 * len(t.label) <= WIDTH for t in chart.ticks)


def test_coverage_is_monthly_over_short_spans_and_yearly_over_long_ones():
    short = coverage_chart("c", [(2020, 1), (2021, 6)], "fr")
    assert short.title == "Articles par mois" and len(short.bars) == 18
    long = coverage_chart("c", [(2010, 1), (2021, 6), (2021, None)], "fr")
    assert long.title == "Articles par année" and len(long.bars) == 12
    assert sum(b.value for b in long.bars) == 3
    assert coverage_chart("c", [(2020, 1)], "fr") is None


def test_year_overview_has_twelve_months():
    chart = year_overview("y", 2020, count_months([(2020, 4), (2020, 4), (2021, 1)]), "fr")
    assert [b.value for b in chart.bars] == [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
    assert chart.summary.startswith("En 2020 : 2 articles.")
