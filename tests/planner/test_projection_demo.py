"""Issue 16, "Done when" (planner): on the demo data, the projection shown on the planner page
equals the term-end evaluation once the planned attendance is recorded.

The demo seed (the 2022–2026 term, records until 20 November 2026), seen on 25 November 2026;
a plan of six December activities counting for Art. 12 (3 SC meetings/座谈会, 3 一府一委两院
activities), 25 seats each. One deputy is suspended from 1 December, one leaves office on
8 December. Office staff open the planner; every activity of the plan is then invited as the
planner schedules it and recorded as attended (出席); the year-end evaluation of 2026 then
gives the Art. 12 attainment rate that the page promised.
"""

from datetime import date

import pytest
from django.urls import reverse

from activities.models import Activity, ActivityType, Participation
from deputies.demo import seed_demo
from deputies.models import Deputy, ServicePeriod, Suspension, Term
from jdrenda.percent import format_percent, percent
from supervision.evaluation.compliance import Status, evaluate_year

TODAY = date(2026, 11, 25)
A = ActivityType
PLAN = [
    ("区七届人大常委会第九十次会议", A.SC_MEETING, date(2026, 12, 1)),
    ("区政府重点工作情况通报会", A.GOVERNMENT, date(2026, 12, 4)),
    ("主任会议组成人员召集代表座谈会（十二月）", A.FORUM, date(2026, 12, 9)),
    ("区法院工作情况通报会", A.GOVERNMENT, date(2026, 12, 16)),
    ("区七届人大常委会第九十一次会议", A.SC_MEETING, date(2026, 12, 22)),
    ("区检察院工作情况通报会", A.GOVERNMENT, date(2026, 12, 28)),
]
SEATS = 25


def art12_rate(evaluation):
    """(meet both Art. 12 rules, to whom they apply), counted from the evaluation here."""
    met = applicable = 0
    for row in evaluation.rows:
        sc, gov = row.result("ART12_SC_MEETING"), row.result("ART12_GOV_ACTIVITY")
        if sc.applies or gov.applies:
            applicable += 1
            met += sc.status == Status.MET and gov.status == Status.MET
    return met, applicable


@pytest.mark.django_db
def test_the_projection_matches_the_evaluation_after_the_planned_attendance(
    monkeypatch, make_user, client_for
):
    seed_demo(log=lambda *args: None)
    monkeypatch.setattr("supervision.evaluation.compliance.as_of_today", lambda: TODAY)
    monkeypatch.setattr("planner.selectors.as_of_today", lambda: TODAY)
    term = Term.objects.get(start_date=date(2022, 1, 1))
    plan = [
        Activity.objects.create(term=term, name=name, type=type_, date=day)
        for name, type_, day in PLAN
    ]
    deputies = list(Deputy.objects.filter(term=term).order_by("code")[:2])
    suspended, leaving = deputies
    Suspension.objects.create(deputy=suspended, start_date=date(2026, 12, 1))
    ServicePeriod.objects.filter(deputy=leaving).update(end_date=date(2026, 12, 8))

    before = art12_rate(evaluate_year(2026, term=term))
    office = make_user("planner_office", roles=[("office", None)])
    response = client_for(office).get(
        reverse("planner:plan"), {"activity": plan[0].pk, "seats": SEATS, "other_seats": SEATS}
    )
    html = response.content.decode()
    schedule = response.context["result"].plan.schedule

    # Invite as planned and record the planned attendance.
    Participation.objects.bulk_create(
        Participation(activity_id=activity_id, deputy_id=deputy_id)
        for activity_id, attending in schedule.items()
        for deputy_id in attending
    )
    after = art12_rate(evaluate_year(2026, term=term))

    x, y = format_percent(percent(*before)), format_percent(percent(*after))
    assert f"按计划邀请并出席，本届末第12条达标率将从 {x} 到 {y}" in html
    assert after[0] > before[0]  # the plan helps somebody
    assert all(len(attending) == SEATS for attending in schedule.values())
    # Suspended from 1 December: never scheduled; leaving on 8 December: not after it.
    assert all(suspended.pk not in attending for attending in schedule.values())
    later = [a for a in plan if a.date > date(2026, 12, 8)]
    assert all(leaving.pk not in schedule[a.pk] for a in later)
