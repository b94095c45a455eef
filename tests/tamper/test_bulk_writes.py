"""The two bulk writes of the staff pages (they send no model signals) obey closed years too."""

import pytest

from activities.models import Attendance, Participation
from activities.services import add_participants_bulk
from activities.sessions.services import mark_unmarked_present
from deputies.models import Deputy
from supervision.closing.services import ClosedYearError, close_year, closed_year_change


@pytest.mark.django_db
def test_mark_unmarked_present_in_a_closed_year_needs_office_and_reason(world):
    Attendance.objects.filter(meeting=world.meeting2025).delete()
    close_year(world.office, 2025, "2025年度反馈表已发出")
    with pytest.raises(ClosedYearError):
        mark_unmarked_present(world.town_staff, world.meeting2025)
    assert not Attendance.objects.filter(meeting=world.meeting2025).exists()
    with closed_year_change(world.office, "补登出席"):
        added = mark_unmarked_present(world.office, world.meeting2025)
    assert added == 2
    reasons = set(
        Attendance.history.filter(
            meeting_id=world.meeting2025.pk, history_user=world.office
        ).values_list("history_change_reason", flat=True)
    )
    assert reasons == {"补登出席"}


@pytest.mark.django_db
def test_adding_a_group_to_a_closed_year_activity_is_refused(world):
    Participation.objects.filter(activity=world.activity2025).delete()
    close_year(world.office, 2025, "2025年度反馈表已发出")
    group = Deputy.objects.filter(group=world.group)
    with pytest.raises(ClosedYearError):
        add_participants_bulk(world.activity2025, group)
    assert not Participation.objects.filter(activity=world.activity2025).exists()
    added, _, _ = add_participants_bulk(world.activity2026, group)  # 2026 is open
    assert added == 1  # the other deputy; the first is already on the 2026 roll
