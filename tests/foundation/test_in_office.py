"""Who holds office on a day or in a period: the same service period must cover it."""

from datetime import date

import pytest

from deputies.models import Deputy, ServicePeriod, Suspension

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(term, make_deputy):
    # Served in 2022, left, came back in 2024: not in office in 2023.
    deputy = make_deputy(term, "G01", service_end=date(2022, 12, 31))
    ServicePeriod.objects.create(deputy=deputy, start_date=date(2024, 1, 1))
    return deputy


def test_a_gap_between_two_service_periods_is_not_in_office(returned):
    assert not Deputy.objects.in_office_between(date(2023, 3, 1), date(2023, 9, 1)).exists()
    assert not Deputy.objects.active_on(date(2023, 6, 1)).exists()
    assert list(Deputy.objects.active_on(date(2024, 6, 1))) == [returned]


def test_a_suspended_deputy_is_not_active(returned):
    Suspension.objects.create(deputy=returned, start_date=date(2024, 5, 1),
                              end_date=date(2024, 5, 31))  # fmt: skip
    assert not Deputy.objects.active_on(date(2024, 5, 15)).exists()
    assert Deputy.objects.active_on(date(2024, 6, 1)).exists()
