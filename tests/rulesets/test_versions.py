"""Rule set versions (issue 18, part 1): which version judges which year, in the pages and
the workbook, with the version named; closed years keep their version."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from activities.models import Activity, ActivityType, Participation
from supervision.evaluation import compliance
from supervision.evaluation.compliance import Status, evaluate_year
from supervision.models import ClosedYear
from supervision.reports.feedback import build_feedback_workbook, collect_records
from supervision.reports.workbook import write_evaluation_workbook
from supervision.rules import BUILTIN_RULES, RULES, version_for_year
from supervision.rulesets import services
from supervision.rulesets.models import RuleSet

NEW = "《嘉定区人大代表履职管理办法》2026 修订"


def attend(deputy, type_, when):
    activity = Activity.objects.create(
        term=deputy.term, name=f"{type_}-{when}", date=when, type=type_
    )
    Participation.objects.create(activity=activity, deputy=deputy, status="present")


def revise(office, v2024, effective=date(2026, 1, 1)):
    """A 2026 revision: 履职学习培训 becomes 学习培训 with 2 a year."""
    draft = services.copy_version(office, v2024, NEW, effective, "2026 年修订办法")
    rules = services.rule_dicts(draft)
    for rule in rules:
        if rule["code"] == "ART13_TRAINING":
            rule["quota"], rule["short_name"] = 2, "学习培训"
    services.update_version(office, draft, {}, rules, "第十三条改为每年两次")
    return services.publish(office, draft, "主任会议通过")


def test_the_migrated_2024_version_is_the_declarations(v2024):
    version = version_for_year(2025)
    assert version.name == "《嘉定区人大代表履职管理办法（试行）》2024"
    assert version.pk == v2024.pk
    assert version.rules == BUILTIN_RULES
    assert [r.short_name for r in RULES][:3] == ["出席大会", "大会发言", "常委会组织活动"]


@pytest.mark.django_db
def test_a_revision_judges_the_year_after_and_not_the_year_before(
    office, v2024, term, make_deputy, client_for, monkeypatch
):
    deputy = make_deputy(term, "R001", name="规则代表")
    attend(deputy, ActivityType.TRAINING, date(2025, 5, 1))
    attend(deputy, ActivityType.TRAINING, date(2026, 5, 1))
    revise(office, v2024)

    before, after = evaluate_year(2025), evaluate_year(2026)
    assert before.version.name == "《嘉定区人大代表履职管理办法（试行）》2024"
    assert after.version.name == NEW
    old = before.rows[0].result("ART13_TRAINING")
    new = after.rows[0].result("ART13_TRAINING")
    assert (old.text, old.status) == ("1/1", Status.MET)
    assert (new.text, new.status) == ("1/2", Status.SHORTFALL)

    # The workbook: its header follows the version, the print title names it.
    for year, header, name, cell in [
        (2025, "履职学习培训", "《嘉定区人大代表履职管理办法（试行）》2024", "1/1"),
        (2026, "学习培训", NEW, "1/2"),
    ]:
        buffer = BytesIO()
        write_evaluation_workbook(evaluate_year(year), buffer)
        wb = load_workbook(BytesIO(buffer.getvalue()))
        ws = wb["年度履职评价"]
        headers = [c.value for c in ws[1]]
        column = headers.index(header)
        assert ws.cell(row=2, column=column + 1).value == cell
        assert f"考核依据：{name}" in ws.oddHeader.center.text
        assert wb.properties.subject == f"考核依据：{name}"

    # The feedback sheet names the version beside the deputy's details.
    row = after.rows[0]
    sheet = build_feedback_workbook(row, collect_records([row])[row.deputy.pk]).active
    assert (sheet["A4"].value, sheet["B4"].value) == ("考核依据", NEW)

    # The evaluation page (as of a day in 2027: both years have ended).
    monkeypatch.setattr(compliance, "as_of_today", lambda: date(2027, 1, 10))
    client = client_for(office)
    page_2025 = client.get("/evaluation/?year=2025").content.decode()
    page_2026 = client.get("/evaluation/?year=2026").content.decode()
    assert "考核依据：《嘉定区人大代表履职管理办法（试行）》2024" in page_2025
    assert "履职学习培训" in page_2025 and "学习培训" not in page_2025.replace("履职学习培训", "")
    assert f"考核依据：{NEW}" in page_2026
    # The deputy's file names the version of the year shown.
    file_2025 = client.get(f"/deputies/{deputy.pk}/?year=2025").content.decode()
    file_2026 = client.get(f"/deputies/{deputy.pk}/?year=2026").content.decode()
    assert "考核依据：《嘉定区人大代表履职管理办法（试行）》2024" in file_2025
    assert f"考核依据：{NEW}" in file_2026
    assert 'data-rule="ART13_TRAINING"><td>第13条</td><td>学习培训</td>' in page_2026


@pytest.mark.django_db
def test_a_version_judging_a_closed_year_cannot_be_edited_only_superseded(office, v2024):
    ClosedYear.objects.create(year=2025, note="结账")
    with pytest.raises(ValidationError, match="已结账年度（2025）"):
        services.update_version(office, v2024, {"effective_date": date(2024, 1, 1)}, None, "改")
    # A version taking effect within the closed year would re-judge it: refused.
    with pytest.raises(ValidationError, match="2025 年度已结账"):
        revise(office, v2024, effective=date(2025, 6, 1))
    assert RuleSet.objects.get(name=NEW).status == RuleSet.Status.DRAFT
    assert version_for_year(2025).pk == v2024.pk
    # After the closed year it is accepted and judges 2026 only.
    RuleSet.objects.filter(name=NEW).delete()
    revise(office, v2024, effective=date(2026, 1, 1))
    assert version_for_year(2025).pk == v2024.pk
    assert version_for_year(2026).name == NEW


@pytest.mark.django_db
def test_staff_re_judge_a_closed_year_explicitly_with_a_reason(office, v2024):
    ClosedYear.objects.create(year=2025, note="结账")
    new = revise(office, v2024, effective=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="请填写修改理由"):
        services.rejudge_year(office, 2025, new, "  ")
    assert version_for_year(2025).pk == v2024.pk
    services.rejudge_year(office, 2025, new, "修订办法决定追溯适用于 2025 年度")
    assert version_for_year(2025).name == NEW
    assert evaluate_year(2025).version.name == NEW
    assert new.judgements.get().history.first().history_change_reason == (
        "修订办法决定追溯适用于 2025 年度"
    )


@pytest.mark.django_db
def test_a_draft_never_judges(office, v2024):
    services.copy_version(office, v2024, NEW, date(2025, 1, 1), "草稿")
    assert version_for_year(2026).pk == v2024.pk


@pytest.mark.django_db
def test_every_change_is_in_the_history_with_its_reason(office, v2024):
    new = revise(office, v2024)
    training = new.rules.get(code="ART13_TRAINING")
    reasons = list(training.history.values_list("history_change_reason", "quota"))
    assert reasons[0] == ("第十三条改为每年两次", 2)
    assert new.history.first().history_change_reason == "主任会议通过"
    assert new.history.first().history_user == office


@pytest.mark.django_db
def test_only_office_staff_change_rule_sets(make_user, v2024, delegation):
    from deputies.models import Role

    town = make_user("town_rules", roles=[(Role.TOWN_STAFF, delegation)])
    with pytest.raises(ValidationError, match="只有人事代表工委工作人员"):
        services.copy_version(town, v2024, NEW, date(2026, 1, 1), "理由")
    assert not RuleSet.objects.filter(name=NEW).exists()


@pytest.mark.django_db
def test_evaluation_reads_the_version_in_one_query_whatever_the_versions(
    office, v2024, term, make_deputy, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_deputy(term, "Q001")
    with CaptureQueriesContext(connection) as one_version:
        evaluate_year(2026)
    for n in range(3):
        draft = services.copy_version(office, v2024, f"版本{n}", date(2026 + n, 1, 1), "理由")
        services.publish(office, draft, "理由")
    with django_assert_num_queries(len(one_version.captured_queries)):
        assert evaluate_year(2026).version.name == "版本0"
