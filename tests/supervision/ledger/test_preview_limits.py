"""The preview of a large or faulty upload: parsed once, its issues capped on the page and
all of them downloadable (issue 12 item 2)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from deputies.models import Role
from supervision.ledger import reader

from .conftest import full_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VOTERS = ["日期", "代表编号", "选民姓名", "选民电话", "联系方式", "内容"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(make_user, client_for):
    return client_for(make_user("office", roles=[(Role.OFFICE_STAFF, None)]))


def upload(client, sheets, term="第七届"):
    data = SimpleUploadedFile("台账.xlsx", workbook_bytes(sheets), content_type=XLSX)
    response = client.post(reverse("supervision:ledger_import"), {"file": data, "term": term})
    assert response.status_code == 302
    return response["Location"]


def faulty(n):
    sheets = full_sheets()
    sheets["联系选民"] = [VOTERS] + [
        ["2024-05-01", f"X{i:03d}", f"选民{i}", None, "走访", None] for i in range(n)
    ]
    return sheets


def test_the_preview_lists_at_most_the_cap_and_offers_every_issue_as_xlsx(office, settings):
    settings.LEDGER_PREVIEW_ISSUES = 5
    location = upload(office, faulty(12))
    html = office.get(location).content.decode()
    assert html.count("list-group-item-danger") == 5
    assert "共 12 处错误" in html and "只列出前 5 处" in html
    issues_url = reverse("supervision:ledger_issues", args=[location.rstrip("/").split("/")[-1]])
    assert issues_url in html
    response = office.get(issues_url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    errors = [row for row in rows if row[0] == "错误"]
    assert len(errors) == 12
    assert errors[0][1:4] == ["联系选民", 2, "代表编号"] and "X000" in errors[0][4]


def test_the_issue_list_of_another_users_upload_is_404(office, make_user, client_for):
    location = upload(office, faulty(1))
    token = location.rstrip("/").split("/")[-1]
    other = client_for(make_user("other", roles=[(Role.OFFICE_STAFF, None)]))
    assert other.get(reverse("supervision:ledger_issues", args=[token])).status_code == 404


def test_the_preview_is_parsed_once_per_upload(office, monkeypatch):
    location = upload(office, faulty(3))
    calls = []
    real = reader.read_workbook_with_warnings

    def counting(source):
        calls.append(source)
        return real(source)

    monkeypatch.setattr("supervision.ledger.read_workbook_with_warnings", counting)
    first = office.get(location).content.decode()
    second = office.get(location).content.decode()
    token = location.rstrip("/").split("/")[-1]
    office.get(reverse("supervision:ledger_issues", args=[token]))
    assert len(calls) == 1
    assert "共" not in first and first.count("list-group-item-danger") == 3
    assert second.count("list-group-item-danger") == 3


def test_a_preview_kept_is_recomputed_when_the_data_changed(office, monkeypatch):
    from supervision.dashboard.services import bump_data_version

    location = upload(office, faulty(1))
    office.get(location)
    calls = []
    real = reader.read_workbook_with_warnings
    monkeypatch.setattr(
        "supervision.ledger.read_workbook_with_warnings",
        lambda source: calls.append(1) or real(source),
    )
    bump_data_version()
    office.get(location)
    assert calls == [1]
