"""A closed year's dashboard figures are computed once and kept with its closing (issue 19,
item 5): a write in the running year recomputes the running year only, a lost cache does
not recompute a closed year, and a correction under override (or re-opening) does."""

from datetime import date

import pytest
from django.core.cache import cache

from activities.models import Speech
from supervision.closing.services import close_year, closed_year_change, reopen_year
from supervision.dashboard import services as dashboard
from supervision.models import ClosedYearFigures

from .test_dashboard import page, row

TODAY = date(2026, 3, 1)  # 2025 has ended and may be closed; 2026 runs


@pytest.fixture
def closed_2025(town, monkeypatch):
    monkeypatch.setattr("supervision.evaluation.compliance.as_of_today", lambda: TODAY)
    for year in town.term.years():
        if year < TODAY.year:  # every ended year of the term, as an office keeps them
            close_year(town.office, year, "年度反馈表已发出", today=TODAY)
    return town


@pytest.fixture
def evaluated_years(monkeypatch):
    """The years the dashboard evaluated (each evaluate_year it ran)."""
    years = []
    real = dashboard.evaluate_year

    def counting(year, *args, **kwargs):
        years.append(year)
        return real(year, *args, **kwargs)

    monkeypatch.setattr(dashboard, "evaluate_year", counting)
    return years


def url(year):
    return f"/dashboard/?year={year}"


def test_a_write_in_the_running_year_recomputes_only_the_running_year(
    closed_2025, client_for, evaluated_years
):
    town = closed_2025
    client = client_for(town.leadership)
    page(client, url(2026))  # 2025 computed once, kept with its closing
    assert ClosedYearFigures.objects.filter(closed_year__year=2025).count() == 1
    assert ClosedYearFigures.objects.count() == len(range(town.term.start_date.year, 2026))
    evaluated_years.clear()

    Speech.objects.create(deputy=town.b, date=date(2026, 2, 1))
    html = page(client, url(2026))

    assert evaluated_years == [2026]
    # The trend's 2025 row still shows the closed year's figures: 3 deputies, none met all.
    assert row(html, "year", 2025)[:2] == ["2025", "3"]


def test_a_lost_cache_does_not_recompute_a_closed_year(closed_2025, client_for, evaluated_years):
    client = client_for(closed_2025.leadership)
    before = page(client, url(2025))
    evaluated_years.clear()

    cache.clear()
    after = page(client, url(2025))

    assert 2025 not in evaluated_years
    assert row(after, "rule", "ART8_SPEECH") == row(before, "rule", "ART8_SPEECH")


def test_a_correction_under_override_shows_on_the_closed_years_dashboard(closed_2025, client_for):
    town = closed_2025
    client = client_for(town.leadership)
    assert row(page(client, url(2025)), "rule", "ART8_SPEECH")[-1] == "33.3%"

    with closed_year_change(town.office, "补录漏记的大会发言"):
        Speech.objects.create(deputy=town.b, date=date(2025, 1, 10), meeting=town.meeting)

    assert row(page(client, url(2025)), "rule", "ART8_SPEECH")[-1] == "66.7%"


def test_reopening_the_year_drops_its_kept_figures(closed_2025, client_for):
    town = closed_2025
    page(client_for(town.leadership), url(2025))
    assert ClosedYearFigures.objects.filter(closed_year__year=2025).count() == 1

    reopen_year(town.office, 2025, "发现漏记，重新开放")

    assert ClosedYearFigures.objects.filter(closed_year__year=2025).count() == 0
    Speech.objects.create(deputy=town.c, date=date(2025, 1, 10), meeting=town.meeting)
    assert row(page(client_for(town.leadership), url(2025)), "rule", "ART8_SPEECH")[-1] == ("66.7%")


def test_a_delegation_renamed_after_the_closing_shows_its_new_name(closed_2025, client_for):
    town = closed_2025
    client = client_for(town.leadership)
    page(client, url(2025))

    town.north.name = "北新镇"
    town.north.save()

    assert row(page(client, url(2025)), "delegation", town.north.pk)[0] == "北新镇"
