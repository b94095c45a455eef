"""The read-only API: scope, masking, the one evaluation rule, errors, caching, export log."""

import hashlib
from io import BytesIO

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from activities.models import Participation
from api.models import ApiClient
from api.services import revoke_client
from proposals.models import Proposal, ProposalEvaluation
from supervision.evaluation.compliance import evaluate_year
from supervision.models import ExportLog
from supervision.reports.workbook import EVALUATION_SHEET, write_evaluation_workbook

pytestmark = pytest.mark.django_db


def test_schema_validates(tmp_path):
    """drf-spectacular's own check: the OpenAPI 3 document is valid and has no warnings."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/deputies/" in text
    assert "/api/v1/signins/" in text
    assert "/api/v1/evaluations/{year}/" in text


def test_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//" not in html.split("swagger-ui-bundle.js")[0].split('src="')[-1]  # local path
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")


def _codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_town_client_sees_its_delegation_only(api_world, api):
    town = api(api_world.tokens["town"])
    assert _codes(town.get("/api/v1/deputies/")) == ["A001", "A002"]
    other = town.get(f"/api/v1/deputies/{api_world.b1.pk}/")
    assert other.status_code == 404
    assert other.json() == {"detail": "未找到，或不在本客户端的范围内。", "code": "not_found"}
    # Naming the other delegation in the filter does not widen the scope.
    assert _codes(town.get("/api/v1/deputies/", {"delegation": api_world.nanxiang.pk})) == []
    assert town.get(f"/api/v1/deputies/{api_world.a1.pk}/").json()["name"] == "甲代表"
    # The records follow the deputies: 乙代表's participation is not in the town's list.
    assert town.get("/api/v1/participations/").json()["results"] == []


def test_masking_follows_the_clients_role(api_world, api):
    """Town staff of A's own delegation see A's mobile in full (deputies.privacy); leadership
    sees it masked and the birth year only; office staff in full."""
    url = f"/api/v1/deputies/{api_world.a1.pk}/"
    town = api(api_world.tokens["town"]).get(url).json()
    assert (town["mobile"], town["birth_date"], town["contacts_masked"]) == (
        "13812345678", "1970-05-06", False,
    )  # fmt: skip
    leader = api(api_world.tokens["leadership"]).get(url).json()
    assert (leader["mobile"], leader["birth_date"], leader["contacts_masked"]) == (
        "138****5678", "1970年", True,
    )  # fmt: skip
    office = api(api_world.tokens["office"]).get(url).json()
    assert office["mobile"] == "13812345678"


def test_revoked_token_is_refused(api_world, api):
    token = api_world.tokens["town"]
    assert api(token).get("/api/v1/terms/").status_code == 200
    revoke_client(api_world.clients["town"])
    response = api(token).get("/api/v1/terms/")
    assert response.status_code == 401
    assert response.json()["detail"] == "访问令牌无效或已撤销。"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_token_and_a_session_are_refused(api_world, api, client_for, make_user):
    response = api().get("/api/v1/deputies/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未提供访问令牌")
    from deputies.models import Role

    office = make_user("office1", roles=[(Role.OFFICE_STAFF, None)])
    assert client_for(office).get("/api/v1/deputies/").status_code == 401


def test_token_is_hashed_at_rest(api_world):
    token = api_world.tokens["town"]
    client = ApiClient.objects.get(pk=api_world.clients["town"].pk)
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        for table in ("api_apiclient", "api_historicalapiclient"):
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                assert token not in " ".join(map(str, row))


def test_throttled_in_chinese(api_world, api, settings):
    settings.API_RATE_LIMIT = "3/minute"
    town = api(api_world.tokens["town"])
    assert [town.get("/api/v1/terms/").status_code for _ in range(3)] == [200, 200, 200]
    response = town.get("/api/v1/terms/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("请求过于频繁，请在 ")
    # Per client: another client still gets through.
    assert api(api_world.tokens["office"]).get("/api/v1/terms/").status_code == 200


def test_proposal_evaluation_only_for_scopes_that_may_read_it(api_world, api):
    proposal = Proposal.objects.create(
        term=api_world.term, number="J001", kind="suggestion", title="关于道路的建议",
        submitted_date=api_world.activity.date, lead=api_world.a1,
    )  # fmt: skip
    ProposalEvaluation.objects.create(
        proposal=proposal, attitude="satisfied", result="satisfied", overall="dissatisfied",
        comment="未解决",
    )  # fmt: skip
    office = api(api_world.tokens["office"]).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert office["evaluation"]["overall"] == "dissatisfied"
    assert office["evaluation"]["comment"] == "未解决"
    town = api(api_world.tokens["town"]).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert town["title"] == "关于道路的建议"
    assert town["evaluation"] is None
    assert api(api_world.tokens["other_town"]).get("/api/v1/proposals/").json()["results"] == []


def test_export_log_one_row_per_request(api_world, api):
    before = ExportLog.objects.count()
    api(api_world.tokens["town"]).get("/api/v1/deputies/")
    rows = list(ExportLog.objects.order_by("-pk")[: ExportLog.objects.count() - before])
    assert len(rows) == 1
    log = rows[0]
    assert log.kind == "api"
    assert log.user == api_world.clients["town"].user
    assert log.rows == 2
    assert log.masked is False  # the town sees its deputies' mobiles in full
    assert log.description.startswith("开放接口：代表")
    # Lists without personal data write none.
    api(api_world.tokens["town"]).get("/api/v1/terms/")
    assert ExportLog.objects.count() == before + 1


def test_leadership_log_row_says_masked(api_world, api):
    api(api_world.tokens["leadership"]).get("/api/v1/deputies/")
    assert ExportLog.objects.get().masked is True


def test_etag_answers_304_when_unchanged(api_world, api):
    town = api(api_world.tokens["town"])
    first = town.get("/api/v1/deputies/")
    tag = first["ETag"]
    again = town.get("/api/v1/deputies/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    api_world.a1.name = "甲代表（改）"
    api_world.a1.save()
    changed = town.get("/api/v1/deputies/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag


def test_ordering_is_by_pk_and_paginated(api_world, api, make_deputy):
    for i in range(3, 8):
        make_deputy(api_world.term, f"A00{i}", group=api_world.g1)
    town = api(api_world.tokens["town"])
    page1 = town.get("/api/v1/deputies/", {"page_size": 3}).json()
    page2 = town.get("/api/v1/deputies/", {"page_size": 3, "page": 2}).json()
    assert page1["count"] == 7
    ids = [r["id"] for r in page1["results"] + page2["results"]]
    assert ids == sorted(ids)
    assert [r["code"] for r in page1["results"]] == ["A001", "A002", "A003"]


def test_errors_are_json_in_chinese(api_world, api):
    town = api(api_world.tokens["town"])
    bad_filter = town.get("/api/v1/deputies/", {"term": "abc"})
    assert bad_filter.status_code == 400
    assert bad_filter.json()["detail"] == "请求参数有误。"
    assert "term" in bad_filter.json()["errors"]
    bad_page = town.get("/api/v1/deputies/", {"page": 99})
    assert bad_page.status_code == 404
    assert bad_page.json()["detail"] == "未找到，或不在本客户端的范围内。"
    post = town.post("/api/v1/deputies/", {}, content_type="application/json")
    assert post.status_code == 405
    assert post.json()["detail"] == "不支持该请求方法。"


@pytest.mark.parametrize("n", [2, 12])
def test_list_queries_do_not_grow_with_deputies(
    api_world, api, make_deputy, django_assert_max_num_queries, n
):
    for i in range(n):
        deputy = make_deputy(api_world.term, f"C{i:03}", group=api_world.g1)
        Participation.objects.create(activity=api_world.activity, deputy=deputy)
    town = api(api_world.tokens["town"])
    leader = api(api_world.tokens["leadership"])
    # Authentication, scope, count, page, export log (and a savepoint or two).
    for path in ("/api/v1/deputies/", "/api/v1/participations/", "/api/v1/attendances/",
                 "/api/v1/groups/", "/api/v1/activities/"):  # fmt: skip
        with django_assert_max_num_queries(9):
            assert town.get(path).status_code == 200
    with django_assert_max_num_queries(9):
        assert leader.get("/api/v1/proposals/").status_code == 200
    # The year's evaluation: evaluate_year's fixed number of queries, whatever the deputies.
    year = api_world.activity.date.year
    with django_assert_max_num_queries(20):
        assert town.get(f"/api/v1/evaluations/{year}/").status_code == 200


def test_evaluation_has_the_workbooks_figures(api_world, api):
    """Each deputy's cells per rule are those of the evaluation workbook's first sheet."""
    Participation.objects.create(activity=api_world.activity, deputy=api_world.a1)
    year = api_world.activity.date.year
    body = api(api_world.tokens["office"]).get(f"/api/v1/evaluations/{year}/").json()
    buffer = BytesIO()
    write_evaluation_workbook(evaluate_year(year), buffer)
    buffer.seek(0)
    sheet = load_workbook(buffer, read_only=True)[EVALUATION_SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    workbook = {row[0]: row for row in rows[1:] if row[0]}
    assert [r["code"] for r in body["results"]] == ["A001", "A002", "B001"]
    for row in body["results"]:
        cells = workbook[row["code"]]
        for result in row["results"]:
            assert cells[header.index(result["short_name"])] == result["text"]
        assert cells[header.index("是否达标")] == ("是" if row["meets_all"] else "否")
        assert (cells[header.index("未达标项")] or "") == row["shortfalls"]
    group_activity = next(
        r for r in body["results"][0]["results"] if r["rule"] == "ART14_GROUP_ACTIVITY"
    )
    assert group_activity["achieved"] == 1  # A001's one attended group activity


def test_evaluation_is_scoped_and_refused_to_committee(api_world, api):
    from api.services import create_client
    from deputies.models import Organiser, Role

    year = api_world.activity.date.year
    town = api(api_world.tokens["town"]).get(f"/api/v1/evaluations/{year}/").json()
    assert [r["code"] for r in town["results"]] == ["A001", "A002"]
    _, token = create_client("财经工委系统", Role.COMMITTEE_STAFF,
                             organiser=Organiser.objects.create(name="财经工委"))  # fmt: skip
    assert api(token).get(f"/api/v1/evaluations/{year}/").status_code == 404
