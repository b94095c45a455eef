"""The import_ledger and ledger_template commands; the browser upload, preview and confirm."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Speech
from deputies.models import Deputy, Role, Term
from supervision.ledger import import_ledger
from supervision.ledger.schema import SHEETS

from .conftest import full_sheets, snapshot, workbook_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ledger_file(tmp_path):
    def write(sheets, name="ledger.xlsx"):
        path = tmp_path / name
        path.write_bytes(workbook_bytes(sheets))
        return str(path)

    return write


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- the command ---------------------------------------------------------------------------


def test_command_imports_and_prints_summary(ledger_file):
    out = io.StringIO()
    call_command("import_ledger", ledger_file(full_sheets()), "--term", "第七届", stdout=out)
    assert Deputy.objects.count() == 3
    text = out.getvalue()
    assert "代表名册：读取 3 行，新增 3" in text
    assert "导入完成" in text


def test_command_dry_run_saves_nothing(ledger_file):
    out = io.StringIO()
    call_command(
        "import_ledger", ledger_file(full_sheets()), "--term", "第七届", "--dry-run", stdout=out
    )
    assert Term.objects.count() == 0
    assert "新增 3" in out.getvalue()


def test_command_exits_nonzero_and_lists_errors(ledger_file):
    sheets = full_sheets()
    sheets["大会发言"].append(["2024-01-10", "D999", None, None])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ledger",
            ledger_file(sheets),
            "--term",
            "第七届",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "工作表 大会发言 第 3 行 「代表编号」：代表编号不存在" in err.getvalue()
    assert Term.objects.count() == 0


def test_command_bad_file_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--term", "第七届", stderr=err)
    assert ".xls" in err.getvalue()


def test_template_has_every_sheet_bold_required_and_dropdowns(tmp_path, term):
    path = tmp_path / "template.xlsx"
    call_command("ledger_template", str(path), stdout=io.StringIO())
    workbook = load_workbook(path)
    for name, columns in SHEETS.items():
        sheet = workbook[name]
        headers = [cell.value for cell in sheet[1]]
        assert headers == [c.header for c in columns]
        assert [cell.font.b for cell in sheet[1]] == [c.required for c in columns]
    validations = {
        dv.formula1 for name in SHEETS for dv in workbook[name].data_validations.dataValidation
    }
    assert '"出席,请假,缺席"' in validations
    assert any("专题调研" in formula for formula in validations)
    # The blank template imports cleanly and changes nothing.
    before = snapshot()
    result = import_ledger(str(path), "第七届")
    assert result.ok and not result.warnings
    assert snapshot() == before


# -- the browser ---------------------------------------------------------------------------


@pytest.fixture
def office(make_user, client_for):
    return client_for(make_user("office", roles=[(Role.OFFICE_STAFF, None)]))


def upload(client, sheets, term="第七届"):
    data = SimpleUploadedFile("台账.xlsx", workbook_bytes(sheets), content_type=XLSX)
    return client.post(reverse("supervision:ledger_import"), {"file": data, "term": term})


def test_office_preview_then_confirm(office, settings):
    page = office.get(reverse("supervision:ledger_import"))
    assert page.status_code == 200 and "导入履职台账" in page.content.decode()
    response = upload(office, full_sheets())
    assert response.status_code == 302
    preview = office.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200 and "确认导入" in html and "代表名册" in html
    assert Term.objects.count() == 0  # the preview saves nothing
    assert list((settings.MEDIA_ROOT / "ledger_uploads").iterdir())
    done = office.post(response["Location"])
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Deputy.objects.count() == 3 and Speech.objects.count() == 1
    # The upload is gone once applied.
    assert office.post(response["Location"]).status_code == 404


def test_preview_lists_errors_without_confirm_button(office):
    sheets = full_sheets()
    sheets["大会发言"].append(["2024-01-10", "D999", None, None])
    preview = office.get(upload(office, sheets)["Location"])
    html = preview.content.decode()
    assert "代表编号不存在" in html and "确认导入" not in html


def test_upload_size_limit(office, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 100
    response = upload(office, full_sheets())
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()


def test_another_users_token_is_404(office, make_user, client_for):
    location = upload(office, full_sheets())["Location"]
    other = client_for(make_user("office2", roles=[(Role.OFFICE_STAFF, None)]))
    assert other.get(location).status_code == 404


def test_deputy_cannot_import(make_user, client_for, make_deputy, term):
    user = make_user("deputy")
    make_deputy(term, "D100", user=user)
    client = client_for(user)
    # The ledger import refuses non-importers with 403 (the access matrix's one exception).
    assert client.get(reverse("supervision:ledger_import")).status_code == 403
    assert client.get(reverse("supervision:ledger_template")).status_code == 403
    fake = reverse("supervision:ledger_preview", kwargs={"token": "abc"})
    assert client.post(fake).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("supervision:ledger_import"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_town_staff_rejected_for_another_delegation(make_user, client_for, make_delegation):
    own = make_delegation("嘉定镇街道")
    client = client_for(make_user("town", roles=[(Role.TOWN_STAFF, own)]))
    sheets = full_sheets()
    del sheets["届次"]
    Term.objects.create(name="第七届", start_date="2022-01-01", end_date="2026-12-31")
    location = upload(client, sheets)["Location"]
    html = client.get(location).content.decode()
    assert "南翔镇" in html and "确认导入" not in html
    assert client.post(location).status_code == 200
    assert Deputy.objects.count() == 0


def test_town_staff_imports_own_delegation(make_user, client_for, make_delegation, term):
    own = make_delegation("嘉定镇街道")
    client = client_for(make_user("town", roles=[(Role.TOWN_STAFF, own)]))
    sheets = {
        "代表名册": full_sheets()["代表名册"][:3],
        "大会发言": [["日期", "代表编号"], ["2024-01-10", "D001"]],
    }
    location = upload(client, sheets)["Location"]
    assert client.post(location).status_code == 200
    assert Deputy.objects.count() == 2 and Speech.objects.count() == 1


def test_template_download(office, term):
    response = office.get(reverse("supervision:ledger_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    assert set(SHEETS) <= set(workbook.sheetnames)
    result = import_ledger(content, "第七届")
    assert result.ok and not result.warnings
