"""Oversized and overstuffed ledger uploads are refused with a Chinese page and save nothing.

Three limits: the workbook's own (settings.LEDGER_MAX_UPLOAD_BYTES, checked by the form), a
request body far over it (refused from its Content-Length, before the body is read, even
before the CSRF check reads it), and Django's DATA_UPLOAD_* limits (which otherwise give a bare
English "Bad Request (400)").
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deputies.models import Role

from .strategies import TERM, baseline_sheets, workbook_bytes
from .test_ledger_hypothesis import table_counts

pytestmark = pytest.mark.django_db

URL = reverse("supervision:ledger_import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def office(make_user, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return client_for(make_user("office", roles=[(Role.OFFICE_STAFF, None)]))


def workbook(size_at_least=0) -> SimpleUploadedFile:
    data = workbook_bytes(baseline_sheets())
    data += b"\0" * max(size_at_least - len(data), 0)  # padding after the zip: still readable
    return SimpleUploadedFile("台账.xlsx", data, content_type=XLSX)


def stored_uploads(settings) -> list:
    return list((settings.MEDIA_ROOT / "ledger_uploads").glob("*")) if settings.MEDIA_ROOT else []


def assert_refused(response, settings, before, status, words):
    html = response.content.decode()
    assert response.status_code == status
    assert words in html and "导入履职台账" in html, html[:500]
    assert stored_uploads(settings) == [] and table_counts() == before


def test_a_workbook_over_the_limit_is_refused_by_the_form(office, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 20_000
    before = table_counts()
    response = office.post(URL, {"file": workbook(25_000), "term": TERM})
    assert_refused(response, settings, before, 200, "文件过大")
    assert "不能超过" in response.content.decode()


def test_a_body_far_over_the_limit_is_refused_unread(office, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 10_000
    before = table_counts()
    response = office.post(URL, {"file": workbook(200_000), "term": TERM})
    assert_refused(response, settings, before, 413, "上传的内容过大")
    assert office.session.get("ledger_uploads") in (None, {})


def test_the_size_is_refused_before_the_csrf_check_reads_the_body(make_user, settings, tmp_path):
    """A browser's form carries its CSRF token in the body: the middleware would read it all."""
    settings.MEDIA_ROOT = tmp_path
    settings.LEDGER_MAX_UPLOAD_BYTES = 10_000
    make_user("office", roles=[(Role.OFFICE_STAFF, None)])
    client = Client(enforce_csrf_checks=True)
    client.login(username="office", password="Jiading-Test-2024")
    before = table_counts()
    response = client.post(URL, {"file": workbook(200_000), "term": TERM})
    assert_refused(response, settings, before, 413, "上传的内容过大")
    # The size check is no way around CSRF: a small upload without the token is still refused.
    assert client.post(URL, {"file": workbook(), "term": TERM}).status_code == 403
    assert stored_uploads(settings) == []


def test_a_lying_content_length_is_refused_too(office, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 10_000
    response = office.post(URL, {"term": TERM}, CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413 and "上传的内容过大（50.0 MB）" in response.content.decode()


@pytest.mark.parametrize(
    "limits, data",
    [
        ({"DATA_UPLOAD_MAX_MEMORY_SIZE": 1000}, {"term": "届" * 2000}),
        ({"DATA_UPLOAD_MAX_NUMBER_FIELDS": 5}, {f"f{i}": "x" for i in range(20)}),
        ({"DATA_UPLOAD_MAX_NUMBER_FILES": 2}, {"file": [workbook() for _ in range(4)]}),
    ],
    ids=["text", "fields", "files"],
)
def test_over_djangos_own_limits_is_a_chinese_page(office, settings, limits, data):
    for name, value in limits.items():
        setattr(settings, name, value)
    before = table_counts()
    response = office.post(URL, {"term": TERM, **data})
    assert_refused(response, settings, before, 413, "超出服务器的限制")
    assert CJK.search(response.content.decode())


def test_a_workbook_within_the_limit_still_goes_to_the_preview(office, settings):
    response = office.post(URL, {"file": workbook(), "term": TERM})
    assert response.status_code == 302
    assert response["Location"].startswith(URL) and response["Location"] != URL
    assert len(stored_uploads(settings)) == 1
