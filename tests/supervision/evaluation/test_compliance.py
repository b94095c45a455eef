"""The rules engine against DESIGN.md's rule section, clause by clause."""

from datetime import date

import pytest

from activities.models import (
    Activity,
    Attendance,
    Communication,
    LiaisonCommunication,
    Meeting,
    Participation,
    Speech,
)
from deputies.models import Constituent, Deputy, Suspension
from proposals.models import Cosignature, Proposal
from supervision.evaluation.compliance import Status, active_days, evaluate_year
from supervision.models import ConstituencyReport, GroupAnnualReport
from supervision.rules import RULES, scaled

pytestmark = pytest.mark.django_db

# A short term makes the final-year switch visible: 2024 is the second-to-last year.
TERM_START, TERM_END = date(2024, 1, 1), date(2025, 12, 31)


@pytest.fixture
def short_term(make_term):
    return make_term("试行届", TERM_START, TERM_END)


def row_for(evaluation, deputy):
    return next(row for row in evaluation.rows if row.deputy.pk == deputy.pk)


def attend(deputy, type_, when, status="present", name=None):
    activity, _ = Activity.objects.get_or_create(
        term=deputy.term, name=name or f"{type_}-{when}", date=when, defaults={"type": type_}
    )
    Participation.objects.create(activity=activity, deputy=deputy, status=status)
    return activity


def meeting(term, when, name="全体会议"):
    return Meeting.objects.get_or_create(
        term=term, name=name, date=when, defaults={"kind": Meeting.Kind.PLENARY}
    )[0]


def contact(deputy, constituent_name, when, method="phone"):
    constituent, _ = Constituent.objects.get_or_create(deputy=deputy, name=constituent_name)
    communication, _ = Communication.objects.get_or_create(deputy=deputy, date=when, method=method)
    communication.constituents.add(constituent)


def test_scaling_is_integer_ceiling():
    assert scaled(2, 365, 365) == 2
    assert scaled(2, 100, 365) == 1  # ceil(200/365)
    assert scaled(2, 183, 365) == 2  # ceil(366/365)
    assert scaled(2, 182, 365) == 1  # 364/365
    assert scaled(5, 1, 365) == 1
    assert scaled(5, 0, 365) == 0


def test_active_days_count_both_ends_and_subtract_suspensions():
    year = (date(2025, 1, 1), date(2025, 12, 31))
    assert active_days([(date(2025, 7, 1), None)], [], *year) == 184
    assert active_days([(date(2024, 1, 1), date(2025, 1, 1))], [], *year) == 1
    suspended = [(date(2025, 3, 1), date(2025, 3, 31))]
    assert active_days([(date(2024, 1, 1), None)], suspended, *year) == 365 - 31
    # An open suspension runs to the end of the period; overlapping ones are not counted twice.
    assert (
        active_days(
            [(date(2024, 1, 1), None)],
            [(date(2025, 12, 1), None), (date(2025, 11, 25), date(2025, 12, 5))],
            *year,
        )
        == 365 - 37
    )


def test_rule_table_order_and_headers_follow_design():
    assert [rule.short_name for rule in RULES] == [
        "出席大会", "大会发言", "常委会组织活动", "列席常委会会议", "一府一委两院活动",
        "履职学习培训", "代表小组活动", "联系选民", "联系代表", "家站点接待", "议案建议",
        "向选民述职",
    ]  # fmt: skip


def test_only_attended_participation_counts(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    attend(deputy, "research", date(2025, 3, 1))
    attend(deputy, "inspection", date(2025, 4, 1), status="leave")
    attend(deputy, "law_check", date(2025, 5, 1), status="absent")
    result = row_for(evaluate_year(2025), deputy).result("ART11_SC_ACTIVITY")
    assert (result.achieved, result.required, result.status) == (1, 2, Status.SHORTFALL)
    assert result.text == "1/2"


def test_year_rule_scaled_by_office_and_suspension(short_term, make_deputy):
    # In office from 2025-10-01: 92 days -> ART11 ceil(2*92/365) = 1, ART15 ceil(5*92/365) = 2
    late = make_deputy(short_term, "D1", service_start=date(2025, 10, 1))
    # Suspended for all but 10 days of 2025 -> ART14 ceil(2*10/365) = 1
    suspended = make_deputy(short_term, "D2")
    Suspension.objects.create(deputy=suspended, start_date=date(2025, 1, 11))
    evaluation = evaluate_year(2025)
    assert row_for(evaluation, late).result("ART11_SC_ACTIVITY").required == 1
    voters = row_for(evaluation, late).result("ART15_VOTERS")
    assert (voters.required, voters.times_required) == (2, 1)
    assert row_for(evaluation, suspended).active_days_year == 10
    assert row_for(evaluation, suspended).result("ART14_GROUP_ACTIVITY").required == 1


def test_no_active_days_means_not_applicable(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    Suspension.objects.create(
        deputy=deputy, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    meeting_2025 = meeting(short_term, date(2025, 1, 10))
    Attendance.objects.create(meeting=meeting_2025, deputy=deputy, status="absent")
    row = row_for(evaluate_year(2025), deputy)
    year_rules = [r for r in row.results if r.rule.period == "year"]
    assert all(r.text == "不适用" and r.status == Status.NOT_APPLICABLE for r in year_rules)
    # Term rules still apply: the deputy was in office for 2024.
    assert row.result("ART18_PROPOSAL").applies
    # The absence rests on ART7, which does not apply: no interview reason from it.
    assert "无故缺席区人民代表大会会议" not in row.interview_reasons


def test_session_attendance_counts_leave_not_absence(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    for day, status in ((10, "present"), (11, "leave"), (12, "absent")):
        Attendance.objects.create(
            meeting=meeting(short_term, date(2025, 1, day)), deputy=deputy, status=status,
            leave_reason="illness" if status == "leave" else "",
        )  # fmt: skip
    row = row_for(evaluate_year(2025), deputy)
    assert row.result("ART7_SESSION").text == "2/3"
    assert row.result("ART7_SESSION").status == Status.SHORTFALL
    assert "无故缺席区人民代表大会会议" in row.interview_reasons


def test_session_roll_only_and_speech_only_with_roll(short_term, make_deputy):
    on_roll = make_deputy(short_term, "D1")
    off_roll = make_deputy(short_term, "D2")
    Attendance.objects.create(meeting=meeting(short_term, date(2025, 1, 10)), deputy=on_roll,
                              status="present")  # fmt: skip
    Speech.objects.create(deputy=off_roll, date=date(2025, 1, 10), topic="发言")
    evaluation = evaluate_year(2025)
    assert row_for(evaluation, on_roll).result("ART7_SESSION").text == "1/1"
    assert row_for(evaluation, on_roll).result("ART8_SPEECH").text == "0/1"
    assert row_for(evaluation, off_roll).result("ART7_SESSION").text == "不适用"
    assert row_for(evaluation, off_roll).result("ART8_SPEECH").text == "不适用"


def test_speech_quota_is_not_scaled(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1", service_start=date(2025, 12, 1))
    Attendance.objects.create(meeting=meeting(short_term, date(2025, 12, 5)), deputy=deputy,
                              status="present")  # fmt: skip
    assert row_for(evaluate_year(2025), deputy).result("ART8_SPEECH").required == 1


def test_term_rule_counts_term_to_date_and_is_shortfall_only_in_final_year(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    attend(deputy, "sc_meeting", date(2024, 6, 1))
    first = row_for(evaluate_year(2024), deputy).result("ART12_SC_MEETING")
    assert (first.text, first.status) == ("1/2", Status.WARNING)  # second-to-last year
    last_row = row_for(evaluate_year(2025), deputy)
    assert last_row.result("ART12_SC_MEETING").status == Status.SHORTFALL
    assert "列席常委会会议" in last_row.shortfall_names
    # An activity after the evaluated year does not count toward it.
    attend(deputy, "forum", date(2025, 2, 1))
    assert row_for(evaluate_year(2024), deputy).result("ART12_SC_MEETING").achieved == 1
    assert row_for(evaluate_year(2025), deputy).result("ART12_SC_MEETING").status == Status.MET


def test_term_rule_early_years_in_progress(term, make_deputy):
    deputy = make_deputy(term, "D1")
    assert row_for(evaluate_year(2023), deputy).result("ART26_REPORT").status == (
        Status.IN_PROGRESS
    )
    assert row_for(evaluate_year(2025), deputy).result("ART26_REPORT").status == Status.WARNING
    row_2023 = row_for(evaluate_year(2023), deputy)
    assert "向选民述职" not in row_2023.shortfall_names


def test_term_rule_scaled_over_whole_term(short_term, make_deputy):
    # Term of 731 days; in office from 2025-07-01: 184 days -> ceil(2*184/731) = 1
    deputy = make_deputy(short_term, "D1", service_start=date(2025, 7, 1))
    assert row_for(evaluate_year(2025), deputy).result("ART18_PROPOSAL").required == 1


def test_proposals_count_cosigning_and_not_withdrawn(short_term, make_deputy):
    lead = make_deputy(short_term, "D1")
    cosigner = make_deputy(short_term, "D2")
    for number, status in (("J1", "submitted"), ("J2", "withdrawn"), ("J3", "closed")):
        proposal = Proposal.objects.create(
            term=short_term, number=number, kind="suggestion", title=number,
            submitted_date=date(2025, 1, 15), lead=lead, status=status,
        )  # fmt: skip
        Cosignature.objects.create(proposal=proposal, deputy=cosigner)
    evaluation = evaluate_year(2025)
    assert row_for(evaluation, lead).result("ART18_PROPOSAL").text == "2/2"
    assert row_for(evaluation, cosigner).result("ART18_PROPOSAL").text == "2/2"


def test_no_proposal_is_an_interview_reason_only_in_final_year(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    reason = "任期内未领衔或附议提出代表议案或建议"
    assert reason not in row_for(evaluate_year(2024), deputy).interview_reasons
    assert reason in row_for(evaluate_year(2025), deputy).interview_reasons


def test_voters_both_numbers_scaled_and_distinct_constituents(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    for name in ("甲", "乙", "丙", "丁", "戊"):
        contact(deputy, name, date(2025, 3, 1))
    for name in ("甲", "乙", "丙", "丁"):
        contact(deputy, name, date(2025, 4, 1), method="visit")
    row = row_for(evaluate_year(2025), deputy)
    assert row.result("ART15_VOTERS").text == "4/5"  # 戊 only reached once
    assert "未按要求联系人民群众" in row.interview_reasons
    # Briefly in office: one contact each with ceil(5*f) constituents is enough.
    late = make_deputy(short_term, "D2", service_start=date(2025, 12, 1))
    contact(late, "子", date(2025, 12, 2))
    result = row_for(evaluate_year(2025), late).result("ART15_VOTERS")
    assert (result.text, result.times_required) == ("1/1", 1)


def test_sc_liaison_only_for_sc_members(short_term, make_deputy):
    member = make_deputy(short_term, "M1", is_sc_member=True)
    ordinary = make_deputy(short_term, "D1")
    others = [make_deputy(short_term, f"D{i}") for i in range(2, 5)]
    for other in others:
        for day in (1, 2):
            LiaisonCommunication.objects.create(
                member=member, deputy=other, date=date(2025, 5, day), method="phone"
            )
    evaluation = evaluate_year(2025)
    assert row_for(evaluation, member).result("ART15_SC_LIAISON").text == "3/3"
    assert row_for(evaluation, ordinary).result("ART15_SC_LIAISON").text == "不适用"


def test_no_collective_activity_reason(short_term, make_deputy):
    idle = make_deputy(short_term, "D1")
    busy = make_deputy(short_term, "D2")
    attend(busy, "group", date(2025, 6, 1))
    evaluation = evaluate_year(2025)
    reason = "无故不参加区人大常委会和所在代表小组组织的履职活动"
    assert reason in row_for(evaluation, idle).interview_reasons
    assert reason not in row_for(evaluation, busy).interview_reasons


def test_rows_are_deputies_in_office_during_the_year(short_term, make_deputy):
    gone = make_deputy(short_term, "D1", service_end=date(2024, 12, 31))
    arrived = make_deputy(short_term, "D2", service_start=date(2025, 12, 31))
    codes = [row.deputy.code for row in evaluate_year(2025).rows]
    assert gone.code not in codes and arrived.code in codes


def test_meets_all_and_shortfall_names_in_table_order(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    row = row_for(evaluate_year(2025), deputy)
    names = row.shortfall_names.split("、")
    order = [rule.short_name for rule in RULES]
    assert names == sorted(names, key=order.index)
    assert not row.meets_all


def test_group_annual_report_status(short_term, make_delegation, make_group):
    town = make_delegation("南翔镇")
    on_time, late = make_group(short_term, town, "一组"), make_group(short_term, town, "二组")
    make_group(short_term, town, "三组")
    GroupAnnualReport.objects.create(group=on_time, year=2025, submitted_date=date(2025, 12, 20))
    GroupAnnualReport.objects.create(group=late, year=2025, submitted_date=date(2026, 1, 5))
    statuses = {s.group.name: s.status for s in evaluate_year(2025).groups}
    assert statuses == {"一组": "已报送", "二组": "逾期报送", "三组": "未报送"}


def _populate(term, make_deputy, start, count):
    for i in range(start, start + count):
        deputy = make_deputy(term, f"Q{i:03d}", is_sc_member=i % 5 == 0)
        attend(deputy, "research", date(2025, 3, 1), name="调研")
        Attendance.objects.create(meeting=meeting(term, date(2025, 1, 10)), deputy=deputy,
                                  status="present")  # fmt: skip
        contact(deputy, "选民", date(2025, 3, 2))
        Speech.objects.create(deputy=deputy, date=date(2025, 1, 10), topic="发言")
        ConstituencyReport.objects.create(deputy=deputy, date=date(2025, 2, 1))


def test_query_count_does_not_grow_with_deputies(
    short_term, make_deputy, django_assert_num_queries
):
    _populate(short_term, make_deputy, 0, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(evaluate_year(2025).rows) == 3
    _populate(short_term, make_deputy, 3, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(evaluate_year(2025).rows) == 33


def test_meeting_during_a_suspension_is_not_on_the_roll(short_term, make_deputy):
    deputy = make_deputy(short_term, "D1")
    Suspension.objects.create(
        deputy=deputy, start_date=date(2025, 1, 5), end_date=date(2025, 1, 20)
    )
    Attendance.objects.create(meeting=meeting(short_term, date(2025, 1, 10)), deputy=deputy,
                              status="absent")  # fmt: skip
    Attendance.objects.create(meeting=meeting(short_term, date(2025, 3, 1), name="全体二"),
                              deputy=deputy, status="present")  # fmt: skip
    row = row_for(evaluate_year(2025), deputy)
    assert row.result("ART7_SESSION").text == "1/1"
    assert "无故缺席区人民代表大会会议" not in row.interview_reasons


def test_narrowing_to_some_deputies_gives_the_same_results(short_term, make_deputy):
    _populate(short_term, make_deputy, 0, 6)
    member = make_deputy(short_term, "M1", is_sc_member=True)
    LiaisonCommunication.objects.create(member=member, deputy=Deputy.objects.get(code="Q001"),
                                        date=date(2025, 4, 1), method="phone")  # fmt: skip
    Proposal.objects.create(term=short_term, number="J9", kind="suggestion", title="x",
                            submitted_date=date(2025, 2, 1), lead=member)  # fmt: skip
    Suspension.objects.create(deputy=Deputy.objects.get(code="Q002"), start_date=date(2025, 6, 1))
    whole = {row.deputy.pk: [r.text for r in row.results] for row in evaluate_year(2025).rows}
    some = [d.pk for d in Deputy.objects.filter(code__in=["Q001", "Q002", "M1"])]
    narrowed = evaluate_year(2025, deputy_ids=some).rows
    assert sorted(row.deputy.pk for row in narrowed) == sorted(some)
    assert all([r.text for r in row.results] == whole[row.deputy.pk] for row in narrowed)
