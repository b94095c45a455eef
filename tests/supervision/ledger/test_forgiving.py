"""The import forgives what Excel users do and refuses loudly what it cannot trust
(issue 13 item 4, issue 12 items 2-3; DESIGN.md, the ledger contract)."""

import io
import time
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from activities.models import Activity, Communication, Participation
from deputies.models import Deputy, ServicePeriod
from proposals.models import Proposal
from supervision.ledger import import_ledger
from supervision.ledger.schema import PROPOSAL_STATUSES
from supervision.ledger.template import build_template

from .conftest import full_sheets, snapshot, workbook_bytes

pytestmark = pytest.mark.django_db

TERM = "第七届"
FORMS = "2025.4.15"  # every date refusal names the accepted forms, this one among them


def run(data, **kwargs):
    return import_ledger(data, TERM, **kwargs)


def messages(result):
    return [str(e) for e in result.errors]


@pytest.fixture
def seeded():
    assert run(workbook_bytes(full_sheets())).applied
    return snapshot()


def build(sheets: dict, edit=None) -> bytes:
    """A workbook from {title: rows}; `edit(workbook)` may hide, merge or format."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    if edit:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VOTERS = ["日期", "代表编号", "选民姓名", "选民电话", "联系方式", "内容"]


# -- 1. sheet names ---------------------------------------------------------------------


def test_a_sheet_named_close_to_a_known_one_is_an_error_naming_it(seeded):
    data = build({"联系选民记录": [VOTERS, ["2024-05-01", "D001", "孙八", None, "走访", None]]})
    result = run(data)
    assert not result.applied
    assert len(result.errors) == 1, messages(result)
    assert "「联系选民记录」" in result.errors[0].message
    assert "应为「联系选民」" in result.errors[0].message
    assert snapshot() == seeded


def test_a_sheet_name_with_spaces_beside_the_real_one_is_an_error(seeded):
    # Issue 12 item 3: the empty " 向选民述职 " replaced the real sheet and 15 bad rows passed.
    sheets = {
        "向选民述职": [["日期", "代表编号", "形式"], ["2024-11-21", "D999", "口头"]],
        " 向选民述职 ": [["日期", "代表编号", "形式"]],
    }
    result = run(build(sheets))
    assert not result.applied
    texts = messages(result)
    assert any("「 向选民述职 」" in t and "「向选民述职」" in t for t in texts), texts
    assert any("代表编号不存在" in t for t in texts), texts  # the real sheet was read too
    assert snapshot() == seeded


def test_a_workbook_with_no_recognised_sheet_is_an_error_and_the_command_fails(seeded, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(build({"Sheet1": [["日期", "代表"], ["2024-01-01", "D001"]]}))
    result = run(path)
    assert not result.ok and not result.applied
    assert "没有可识别的台账工作表" in result.errors[0].message
    with pytest.raises(CommandError):
        call_command(
            "import_ledger", str(path), term=TERM, stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert snapshot() == seeded


def test_hidden_sheets_are_reported(seeded):
    def hide(workbook):
        workbook["联系选民"].sheet_state = "hidden"
        workbook["旧数据"].sheet_state = "hidden"

    sheets = {
        "联系选民": [VOTERS, ["2024-05-01", "D001", "孙八", None, "走访", None]],
        "旧数据": [["x"], [1]],
        "说明": [["本工作簿为测试"]],
    }
    result = run(build(sheets, hide), dry_run=True)
    assert result.ok, messages(result)
    warnings = [str(w) for w in result.warnings]
    assert any("「联系选民」是隐藏的" in w for w in warnings), warnings
    assert any("隐藏的工作表「旧数据」" in w for w in warnings), warnings


# -- 2. a blank cell never erases; （清空） clears ------------------------------------------


ROSTER_FULL = [
    "代表编号", "姓名", "代表团", "代表小组", "性别", "出生日期", "民族", "政治面貌",
    "工作单位及职务", "选区", "手机号码", "常委会组成人员", "任职开始日期", "任职结束日期",
]  # fmt: skip


def test_blank_roster_cells_keep_stored_values_and_the_marker_clears(seeded):
    first = [
        "D003", "王五", "南翔镇", "南翔小组", "男", "1970-05-06", "汉族", "中共党员",
        "南翔镇政府 镇长", "第5选区", "13900000003", "否", "2023-03-01", "2025-06-30",
    ]  # fmt: skip
    assert run(build({"代表名册": [ROSTER_FULL, first]})).applied
    blank = ["D003", "王五", "南翔镇", None, None, None, None, None, None, None, None, None,
             "2023-03-01", None]  # fmt: skip
    result = run(build({"代表名册": [ROSTER_FULL, blank]}))
    assert result.applied, messages(result)
    d3 = Deputy.objects.get(code="D003")
    assert (d3.gender, d3.birth_date, d3.mobile, d3.workplace_title, d3.group.name) == (
        "男",
        date(1970, 5, 6),
        "13900000003",
        "南翔镇政府 镇长",
        "南翔小组",
    )
    assert ServicePeriod.objects.get(deputy=d3).end_date == date(2025, 6, 30)
    assert result.sheets["代表名册"].unchanged == 1 and result.sheets["代表名册"].updated == 0

    cleared = list(blank)
    cleared[10] = "（清空）"  # 手机号码
    cleared[13] = "(清空)"  # 任职结束日期: in office again
    assert run(build({"代表名册": [ROSTER_FULL, cleared]})).applied
    d3.refresh_from_db()
    assert d3.mobile == "" and d3.gender == "男"
    assert ServicePeriod.objects.get(deputy=d3).end_date is None


def test_blank_cosigners_keep_and_the_marker_clears_them(seeded):
    sheets = full_sheets()
    proposal = sheets["议案建议"]
    proposal[1][5] = None  # 附议代表编号
    proposal[1][7] = None  # 办理状态
    assert run(workbook_bytes({"议案建议": proposal})).applied
    stored = Proposal.objects.get()
    assert sorted(stored.cosigners.values_list("code", flat=True)) == ["D002", "D003"]
    assert stored.status == PROPOSAL_STATUSES["办结"]  # blank 办理状态 keeps the stored one
    proposal[1][5] = "（清空）"
    assert run(workbook_bytes({"议案建议": proposal})).applied
    assert list(stored.cosigners.all()) == []


def test_the_marker_where_nothing_may_be_cleared_is_an_error(seeded):
    sheets = {"联系选民": [VOTERS, ["2024-05-01", "（清空）", "孙八", None, "走访", None]]}
    result = run(build(sheets))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("联系选民", 2, "代表编号")]
    assert "不能填写「（清空）」" in result.errors[0].message
    assert snapshot() == seeded


# -- 3. NFKC ----------------------------------------------------------------------------


def test_a_full_width_code_is_the_same_deputy(seeded):
    roster = [ROSTER_FULL[:3], ["ＪＤ７０９００２", "周九", "嘉定镇街道"]]
    assert run(build({"代表名册": roster})).applied
    roster = [ROSTER_FULL[:3], [" JD709002 ", "周九", "嘉定镇街道"]]
    result = run(build({"代表名册": roster}))
    assert result.applied and result.sheets["代表名册"].unchanged == 1
    assert list(Deputy.objects.filter(name="周九").values_list("code", flat=True)) == ["JD709002"]
    voters = [VOTERS, ["2024-05-02", "JD709002", "吴十", None, "ｅ走访"[1:], None]]
    voters.append(["2024-05-03", "ＪＤ７０９００２", "吴十", None, "　电话 ", None])
    result = run(build({"联系选民": voters}))
    assert result.applied, messages(result)
    assert Communication.objects.filter(deputy__code="JD709002").count() == 2


def test_a_full_width_code_matches_one_stored_full_width(seeded):
    # A code stored before codes were normalised still matches its half-width form.
    Deputy.objects.filter(code="D001").update(code="Ｄ００１")
    result = run(build({"联系选民": [VOTERS, ["2024-05-02", "D001", "吴十", None, "走访", None]]}))
    assert result.applied, messages(result)
    roster = [ROSTER_FULL[:5], ["D001", "张三", "嘉定镇街道", "第一小组", "男"]]
    result = run(build({"代表名册": roster}))
    assert result.applied, messages(result)
    assert result.sheets["代表名册"].unchanged == 1
    assert Deputy.objects.filter(name="张三").count() == 1


# -- 4. headers twice, hidden columns ------------------------------------------------------


def test_a_hidden_stale_column_repeating_a_visible_header_is_an_error(seeded):
    header = ["日期", "代表编号", "选民姓名", "日期", "联系方式"]
    rows = [header, ["2020-01-01", "D001", "孙八", "2024-05-01", "走访"]]

    def hide(workbook):
        workbook["联系选民"].column_dimensions["A"].hidden = True

    result = run(build({"联系选民": rows}, hide))
    assert len(result.errors) == 1, messages(result)
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == ("联系选民", 1, "日期")
    assert "A 列（隐藏）" in error.message and "D 列" in error.message
    assert snapshot() == seeded


def test_a_visible_header_given_twice_is_an_error_naming_both_columns(seeded):
    rows = [["日期", "代表编号", "选民姓名", "代表编号*"], ["2024-05-01", "D001", "孙八", "D002"]]
    result = run(build({"联系选民": rows}))
    assert len(result.errors) == 1, messages(result)
    assert "B 列" in result.errors[0].message and "D 列" in result.errors[0].message


# -- 5. merged cells, a title row ----------------------------------------------------------


def test_a_title_row_and_vertically_merged_cells_are_read_as_seen(seeded):
    rows = [
        ["2024年嘉定镇街道代表联系选民登记表"],
        [],
        VOTERS,
        ["2024-06-01", "D001", "孙八", None, "走访", "反映噪音"],
        [None, None, "李九", None, "走访", None],
        [None, None, "周十", None, "走访", None],
        ["2024-06-02", "D002", "郑一", None, "电话", None],
    ]

    def merge(workbook):
        sheet = workbook["联系选民"]
        sheet.merge_cells("A1:F1")
        sheet.merge_cells("A4:A6")
        sheet.merge_cells("B4:B6")

    result = run(build({"联系选民": rows}, merge))
    assert result.applied, messages(result)
    assert any(
        (w.sheet, w.row) == ("联系选民", 3) and "表头在第 3 行" in w.message
        for w in result.warnings
    ), [str(w) for w in result.warnings]
    names = Communication.objects.get(deputy__code="D001", date=date(2024, 6, 1))
    assert sorted(names.constituents.values_list("name", flat=True)) == ["周十", "孙八", "李九"]
    assert result.sheets["联系选民"].rows == 4


def test_errors_below_a_title_row_cite_the_real_row(seeded):
    rows = [["标题"], VOTERS, ["2024-06-01", "D001", "孙八", None, "走访", None]]
    rows.append(["2024-06-01", "D404", "李九", None, "走访", None])
    result = run(build({"联系选民": rows}))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("联系选民", 4, "代表编号")]


# -- 6. dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2024.3.5", "2024.03.05", "20240305", 20240305, "45356", " ２０２４－０３－０５ "]
)
def test_more_date_forms(seeded, value):
    rows = [["活动名称", "活动类型", "日期", "代表编号"], ["日期调研", "专题调研", value, "D001"]]
    result = run(build({"履职活动": rows}))
    assert result.applied, messages(result)
    assert Activity.objects.get(name="日期调研").date == date(2024, 3, 5)


@pytest.mark.parametrize("value", ["2024.13.5", "5/3/2024", "2024", 20241305])
def test_every_date_refusal_lists_the_accepted_forms(seeded, value):
    rows = [["活动名称", "活动类型", "日期", "代表编号"], ["日期调研", "专题调研", value, "D001"]]
    result = run(build({"履职活动": rows}))
    assert len(result.errors) == 1 and result.errors[0].column == "日期", messages(result)
    assert "2025.4.15" in result.errors[0].message and "20250415" in result.errors[0].message


# -- 7. .ods ---------------------------------------------------------------------------


def test_an_ods_file_is_refused_with_save_as_xlsx_not_corrupt(seeded):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    result = run(buffer.getvalue())
    assert len(result.errors) == 1
    assert "请另存为 .xlsx" in result.errors[0].message
    assert "损坏" not in result.errors[0].message


# -- 8. limits ---------------------------------------------------------------------------


def test_too_many_rows_are_refused_with_the_limit(seeded, settings):
    settings.LEDGER_MAX_ROWS = 30
    rows = [VOTERS] + [["2024-05-01", "D001", f"选民{i}", None, "走访", None] for i in range(31)]
    result = run(build({"联系选民": rows}))
    assert len(result.errors) == 1 and "超过 30 行" in result.errors[0].message
    rows.pop()
    assert run(build({"联系选民": rows})).applied


def _comment_bomb(megabytes: int) -> bytes:
    """A valid workbook whose sheet is padded with XML comments: tiny zipped, huge unzipped."""
    data = build({"联系选民": [VOTERS, ["2024-05-01", "D001", "孙八", None, "走访", None]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                comment = b"<!--" + b"x" * (1024 * 1024 - 7) + b"-->"
                head, tail = content.split(b"<sheetData>", 1)
                with target.open(info.filename, "w") as stream:
                    stream.write(head)
                    for _ in range(megabytes):
                        stream.write(comment)
                    stream.write(b"<sheetData>" + tail)
                continue
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_sheet_of_xml_comments_is_refused_before_parsing(seeded):
    data = _comment_bomb(60)  # 60 MB of comments, a fraction of a MB zipped
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    result = run(data)
    elapsed = time.monotonic() - started
    assert elapsed < 3, elapsed  # refused from the zip's declared sizes, not by parsing
    assert len(result.errors) == 1 and "解压后超过 50 MB" in result.errors[0].message
    assert snapshot() == seeded


def _many_rows(n: int) -> bytes:
    """A 联系选民 sheet of n data rows, its XML written directly (openpyxl takes too long)."""
    data = build({"联系选民": [VOTERS]})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = content.split(b"</row>", 1)
                body = "".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>2024-05-01</t></is></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>D001</t></is></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>选民{r}</t></is></c></row>'
                    for r in range(2, n + 2)
                )
                content = head + b"</row>" + body.encode() + rest
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_sheet_far_over_the_row_limit_is_refused_while_streaming(seeded, settings):
    # 100,000 rows against a limit of 1,000: reading stops at the limit instead of parsing
    # every row (about 15 s on a loaded machine when it did not).
    settings.LEDGER_MAX_ROWS = 1000
    data = _many_rows(100_000)
    started = time.monotonic()
    result = run(data)
    elapsed = time.monotonic() - started
    assert len(result.errors) == 1 and "超过 1000 行" in result.errors[0].message
    assert elapsed < 5, elapsed
    assert snapshot() == seeded


def test_a_slow_sheet_is_stopped_by_the_time_budget(seeded, settings):
    settings.LEDGER_MAX_READ_SECONDS = 0.000001
    rows = [VOTERS] + [["2024-05-01", "D001", f"选民{i}", None, "走访", None] for i in range(600)]
    result = run(build({"联系选民": rows}))
    assert len(result.errors) == 1 and "读取超时" in result.errors[0].message


# -- 9. the template -----------------------------------------------------------------------


def test_template_guide_first_codes_as_text_and_the_clear_marker_documented():
    buffer = io.BytesIO()
    build_template().save(buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames[0] == "填写说明"
    guide = "\n".join(
        str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value
    )
    for text in ("（清空）", "空白", "2025.4.15", "20250415", "全角", "20000", "50 MB"):
        assert text in guide, text
    roster = workbook["代表名册"]
    header = {c.value: c.column_letter for c in roster[1]}
    for column in ("代表编号", "手机号码"):
        assert roster.column_dimensions[header[column]].number_format == "@", column
        assert roster[f"{header[column]}2"].number_format == "@", column
    assert roster.column_dimensions[header["姓名"]].number_format != "@"
    voters = workbook["联系选民"]
    header = {c.value: c.column_letter for c in voters[1]}
    assert voters[f"{header['选民电话']}2"].number_format == "@"
    lists = [v for v in roster.data_validations.dataValidation if v.type == "list"]
    assert {str(v.sqref).split(":")[0] for v in lists} >= {
        f"{header_letter}2" for header_letter in ()
    }
    assert len(lists) >= 2  # 性别, 常委会组成人员


def test_participation_blank_keeps_the_stored_status(seeded):
    # 履职活动: D003 was 请假 for 城市更新专题调研; a later sheet leaves 参加情况 blank.
    rows = [["活动名称", "活动类型", "日期", "代表编号", "参加情况"]]
    rows.append(["城市更新专题调研", "专题调研", "2024-03-05", "D003", None])
    assert run(build({"履职活动": rows})).applied
    assert Participation.objects.get(deputy__code="D003").status == "leave"
