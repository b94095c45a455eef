"""The office staff's rule set pages: copy, edit with a reason, publish, import/export (all or
nothing, Chinese errors), and the cost of the list."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.rulesets import services
from supervision.rulesets.models import RuleSet


def _rules_post(version, change=None, reason="理由"):
    rules = services.rule_dicts(version)
    data = {
        "name": version.name,
        "source_document": version.source_document,
        "effective_date": version.effective_date.isoformat(),
        "reason": reason,
        "rules-TOTAL_FORMS": str(len(rules) + 1),
        "rules-INITIAL_FORMS": str(len(rules)),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "40",
    }
    for i, rule in enumerate(rules):
        for key, value in rule.items():
            if key == "activity_types":
                continue
            data[f"rules-{i}-{key}"] = "" if value is None else str(value)
        data[f"rules-{i}-activity_types"] = rule["activity_types"]
    if change:
        change(data)
    return data


@pytest.mark.django_db
def test_office_staff_copy_edit_and_publish_in_the_browser(office, v2024, client_for):
    client = client_for(office)
    response = client.post(
        f"/rulesets/{v2024.pk}/copy/",
        {"name": "2027 修订", "effective_date": "2027-01-01", "reason": "修订"},
    )
    draft = RuleSet.objects.get(name="2027 修订")
    assert response.status_code == 302 and draft.status == RuleSet.Status.DRAFT
    index = [r["code"] for r in services.rule_dicts(draft)].index("ART16_RECEPTION")

    def change(data):
        data[f"rules-{index}-quota"] = "4"

    # Without a reason nothing changes.
    page = client.post(f"/rulesets/{draft.pk}/edit/", _rules_post(draft, change, reason=""))
    assert "请填写理由：它记入修改历史。" in page.content.decode()
    assert draft.rules.get(code="ART16_RECEPTION").quota == 2
    response = client.post(
        f"/rulesets/{draft.pk}/edit/", _rules_post(draft, change, "接待改为 4 次")
    )
    assert response.status_code == 302
    assert draft.rules.get(code="ART16_RECEPTION").quota == 4
    # Publishing asks for a confirmation first.
    client.post(f"/rulesets/{draft.pk}/publish/", {"reason": "通过"})
    assert RuleSet.objects.get(pk=draft.pk).status == RuleSet.Status.DRAFT
    client.post(f"/rulesets/{draft.pk}/publish/", {"reason": "通过", "confirm": "1"})
    assert RuleSet.objects.get(pk=draft.pk).status == RuleSet.Status.PUBLISHED
    detail = client.get(f"/rulesets/{draft.pk}/").content.decode()
    assert "接待改为 4 次" in detail


@pytest.mark.django_db
def test_an_activity_type_in_two_rules_is_refused_in_chinese(office, v2024, client_for):
    client = client_for(office)
    draft = services.copy_version(office, v2024, "草稿", date(2027, 1, 1), "修订")
    codes = [r["code"] for r in services.rule_dicts(draft)]

    def change(data):
        data[f"rules-{codes.index('ART16_RECEPTION')}-activity_types"] = ["reception", "training"]

    page = client.post(f"/rulesets/{draft.pk}/edit/", _rules_post(draft, change)).content.decode()
    assert "活动类型“履职学习培训”已计入第 6 条规则，一种活动只能计入一条规则。" in page
    assert draft.rules.get(code="ART16_RECEPTION").activity_types == ["reception"]


@pytest.mark.django_db
def test_import_is_all_or_nothing_with_every_error_named(office, v2024, client_for):
    client = client_for(office)
    data = services.export_version(v2024)
    assert json.loads(client.get(f"/rulesets/{v2024.pk}/export.json").content) == data
    data["name"] = "导入的版本"
    data["rules"][2]["quota"] = 0
    data["rules"][5]["counts"] = "points"
    upload = SimpleUploadedFile("r.json", json.dumps(data, ensure_ascii=False).encode())
    page = client.post("/rulesets/import/", {"file": upload, "reason": "导入"}).content.decode()
    assert "第 3 条规则（常委会组织活动）：要求数须为正整数。" in page
    assert "第 6 条规则（履职学习培训）：统计内容“points”不是系统提供的统计方式之一。" in page
    assert not RuleSet.objects.filter(name="导入的版本").exists()
    data["rules"][2]["quota"], data["rules"][5]["counts"] = 3, "activities"
    upload = SimpleUploadedFile("r.json", json.dumps(data, ensure_ascii=False).encode())
    assert client.post("/rulesets/import/", {"file": upload, "reason": "导入"}).status_code == 302
    imported = RuleSet.objects.get(name="导入的版本")
    assert imported.rules.get(code="ART11_SC_ACTIVITY").quota == 3


@pytest.mark.django_db
def test_a_town_staff_post_changes_nothing(make_user, delegation, v2024, client_for):
    from deputies.models import Role

    town = make_user("town_pages", roles=[(Role.TOWN_STAFF, delegation)])
    response = client_for(town).post(
        f"/rulesets/{v2024.pk}/copy/", {"name": "x", "effective_date": "2027-01-01", "reason": "x"}
    )
    assert response.status_code == 404
    assert RuleSet.objects.count() == 1


@pytest.mark.django_db
def test_the_list_costs_the_same_with_more_versions(
    office, v2024, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(office)
    client.get("/rulesets/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/rulesets/").status_code == 200
    for n in range(8):
        services.copy_version(office, v2024, f"版本{n}", date(2027 + n, 1, 1), "理由")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/rulesets/").status_code == 200
