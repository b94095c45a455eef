"""Hypothesis strategies for ledger workbooks, built from the real schema (supervision/ledger).

`workbooks(valid_only=...)` draws a LedgerSpec: sheets with header rows (kept, starred, with a
note, dropped, renamed, duplicated, shuffled, extra columns) and data rows whose cells come from
the column's valid values or, unless `valid_only`, from a zoo of wrong ones. `raw_files()` draws
bytes that are not a readable workbook at all.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from hypothesis import strategies as st
from openpyxl import Workbook

from supervision.ledger import schema as S

TERM = "第七届"
TERM_START, TERM_END = date(2022, 1, 1), date(2026, 12, 31)
NEXT_TERM, NEXT_START, NEXT_END = "第八届", date(2027, 1, 1), date(2031, 12, 31)
# The baseline the tests import first (see baseline_sheets): D001 is a Standing Committee member.
KNOWN_CODES = ("D001", "D002", "D003")
DELEGATIONS = ("嘉定镇街道", "南翔镇")
GROUPS = ("第一小组", "南翔小组")

_EXCEL_EPOCH = date(1899, 12, 30)


def baseline_sheets() -> dict:
    """A small valid ledger: the term and three deputies in two delegations."""
    return {
        S.TERMS: [["名称", "开始日期", "结束日期"], [TERM, "2022-01-01", "2026-12-31"]],
        S.ROSTER: [
            ["代表编号*", "姓名*", "代表团*", "代表小组", "性别", "常委会组成人员"],
            ["D001", "张三", "嘉定镇街道", "第一小组", "男", "是"],
            ["D002", "李四", "嘉定镇街道", "第一小组", "女", "否"],
            ["D003", "王五", "南翔镇", "南翔小组", "男", "否"],
        ],
    }


def workbook_bytes(sheets: dict, strays=()) -> bytes:
    """{sheet title: [rows]} -> .xlsx bytes; an empty list is an empty sheet.

    `strays`: (title, row, column, value) cells put anywhere, up to Excel's last cell."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    for title, row, column, value in strays:
        workbook[title].cell(row=row, column=column, value=value)
    if not workbook.sheetnames:
        workbook.create_sheet("Sheet1")  # openpyxl cannot save a workbook without sheets
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- cells ------------------------------------------------------------------------------------

# Control characters are excluded: openpyxl refuses to write them (Excel cannot hold them).
_safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=12)


def _date_forms(day: date):
    """The forms staff type a date in: Excel date, datetime, serial number and three texts."""
    return st.sampled_from(
        [
            day,
            datetime(day.year, day.month, day.day),
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}日",
            (day - _EXCEL_EPOCH).days,
        ]
    )


term_dates = st.dates(TERM_START, TERM_END).flatmap(_date_forms)
codes = st.sampled_from(KNOWN_CODES)

# Wrong values of every kind a spreadsheet can hold.
bad_cells = st.one_of(
    st.none(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
    # openpyxl stores text starting with "=" as a formula: read back it has no value.
    st.sampled_from(["=SUM(A1:A3)", "=1/0", '=HYPERLINK("http://x","点我")', "+1", "-1", "@A1"]),
    st.integers(300, 40_000).map(lambda n: "长" * n),  # longer than any field, or than Excel's
    _safe_text,
    _cjk,
    st.sampled_from([" ", "\u3000", "\t", "\n", " \u3000 ", "\u200b", "  D001  ", "D001\n"]),
    st.sampled_from(["D999", "d001", "D00１", "Ｄ００１", "D001、D999", "D001,,D002", "、"]),
    st.sampled_from(
        ["2024-02-30", "2023-13-01", "2024年2月30日", "0000-00-00", "2024/4/31", "9999-12-31"]
        + ["2021-12-31", "2027-01-01", "1899-12-31", "2024-1-1-1", "明天", "20240101"]
    ),
    st.sampled_from(["出 席", "Present", "出席情况", "是的", "Y", "满意度", "全体", "未知"]),
    st.integers(1, 100_000),  # serial numbers, in and out of the accepted range
)


def _blank_or(strategy):
    return st.one_of(st.none(), strategy)


def valid_cells(sheet: str, column: S.Column):
    """Values a careful clerk would type in this column (still free to disagree row to row)."""
    name = column.header
    if column.vocabulary:
        strategy = st.sampled_from(column.vocabulary)
        if name == "请假事由":
            strategy = st.sampled_from([*column.vocabulary, *S.LEAVE_REASON_ALIASES])
    elif sheet == S.TERMS:  # this term as it is, or the next one (a term new to the database)
        strategy = {
            "名称": st.sampled_from([TERM, NEXT_TERM]),
            "开始日期": st.sampled_from([TERM_START, NEXT_START]).flatmap(_date_forms),
            "结束日期": st.sampled_from([TERM_END, NEXT_END]).flatmap(_date_forms),
        }[name]
    elif "日期" in name:
        strategy = term_dates
    elif name == "附议代表编号":
        strategy = st.lists(codes, max_size=3, unique=True).map("、".join)
    elif name == "承办单位":
        strategy = st.lists(st.sampled_from(["区建管委", "区交通委"]), max_size=2).map("，".join)
    elif sheet == S.PROPOSALS and name == "编号":
        strategy = st.sampled_from(["J2024001", "J2024002", "J2024003"])
    elif name == "代表编号" and sheet in (S.MEETINGS, S.ACTIVITIES):
        strategy = st.lists(codes, min_size=1, max_size=2, unique=True).map("、".join)
    elif name == "代表编号" and sheet == S.ROSTER:
        strategy = st.sampled_from([*KNOWN_CODES, "D004"])
    elif "编号" in name:
        strategy = codes
    elif name == "代表团":
        strategy = st.sampled_from(DELEGATIONS)
    elif name == "代表小组":
        strategy = st.sampled_from(GROUPS)
    elif name in ("会议名称", "活动名称", "选民姓名", "姓名", "组织单位"):
        strategy = st.sampled_from(["甲", "乙", "城市更新调研", "七届人大四次会议"])
    elif name in ("手机号码", "选民电话"):
        strategy = st.one_of(st.integers(13_000_000_000, 13_999_999_999), st.just("13800000001"))
    else:
        strategy = _cjk
    return strategy if column.required else _blank_or(strategy)


# -- headers and sheets -----------------------------------------------------------------------

_HEADER_ACTIONS = ("keep", "keep", "keep", "keep", "star", "note", "drop", "rename", "duplicate")


@st.composite
def header_rows(draw, sheet: str, valid_only: bool):
    """The header row as written, and for each position the column it means (None if unknown)."""
    cells = []
    for column in S.SHEETS[sheet]:
        action = draw(st.sampled_from(_HEADER_ACTIONS)) if not valid_only else "keep"
        if action == "keep":
            cells.append((column.header, column))
        elif action == "star":
            cells.append((column.header + "*", column))
        elif action == "note":
            cells.append((f"{column.header}（{draw(_cjk)}）", column))
        elif action == "rename":
            renamed = draw(st.sampled_from([column.header + "号", "列" + column.header]))
            cells.append((renamed, None))
        elif action == "duplicate":
            cells += [(column.header, column), (f" {column.header} ", column)]
    if not valid_only:
        cells += [(text, None) for text in draw(st.lists(_safe_text, max_size=2))]
    return draw(st.permutations(cells))


@st.composite
def sheet_rows(draw, sheet: str, valid_only: bool):
    header = draw(header_rows(sheet, valid_only))
    rows = [[text for text, _column in header]]
    for _ in range(draw(st.integers(0, 5))):
        row = []
        for _text, column in header:
            if column is None:
                row.append(draw(bad_cells))
            elif valid_only:
                row.append(draw(valid_cells(sheet, column)))
            else:
                row.append(draw(st.one_of(valid_cells(sheet, column), bad_cells)))
        rows.append(row)
    return rows


_sheet_titles = st.text(
    alphabet=st.characters(blacklist_characters="[]:*?/\\'", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() and s.strip() not in S.SHEETS)


@dataclass
class LedgerSpec:
    sheets: dict  # title -> rows (header first); [] for an empty sheet
    strays: tuple = ()  # (title, row, column, value): a cell far off, as a stray keystroke

    def data(self) -> bytes:
        return workbook_bytes(self.sheets, self.strays)

    def last_rows(self) -> dict:
        """Per sheet the importer knows (titles trimmed, as it matches them), the last row."""
        last = {title.strip(): len(rows) for title, rows in self.sheets.items()}
        for title, row, _column, _value in self.strays:
            last[title.strip()] = max(last[title.strip()], row)
        return last


@st.composite
def workbooks(draw, valid_only=False):
    names = draw(st.lists(st.sampled_from(list(S.SHEETS)), unique=True, max_size=4))
    if valid_only:
        names = [S.ROSTER, *names] if S.ROSTER not in names and draw(st.booleans()) else names
    sheets = {}
    for name in names:
        title = name if valid_only else draw(st.sampled_from([name, name, f" {name} "]))
        shape = "rows" if valid_only else draw(st.sampled_from(["rows"] * 6 + ["empty", "header"]))
        if shape == "empty":
            sheets[title] = []
        elif shape == "header":
            sheets[title] = draw(sheet_rows(name, valid_only))[:1]
        else:
            sheets[title] = draw(sheet_rows(name, valid_only))
    if not valid_only:
        for title in draw(st.lists(_sheet_titles, max_size=2, unique=True)):
            sheets[title] = draw(st.lists(st.lists(bad_cells, max_size=4), max_size=3))
    strays = ()
    if not valid_only and sheets and draw(st.booleans()):
        headers = sorted({c.header for columns in S.SHEETS.values() for c in columns})
        strays = (
            (
                draw(st.sampled_from(sorted(sheets))),
                draw(st.sampled_from([1, 2, 7, 1000, 1_048_576])),
                draw(st.sampled_from([1, 3, 15, 200, 201, 16_384])),
                draw(st.one_of(st.sampled_from(headers), bad_cells)),
            ),
        )
    return LedgerSpec(sheets, strays)


# -- bytes that are not a readable workbook ---------------------------------------------------


def _rezip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@st.composite
def _corrupted_member(draw, valid: bytes):
    """A valid .xlsx with one part replaced by garbage or cut short: a zip that lies."""
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = draw(st.sampled_from(sorted(members)))
    original = members[name]
    members[name] = draw(
        st.one_of(
            st.binary(max_size=200),
            st.integers(0, max(len(original) - 1, 0)).map(lambda n: original[:n]),
            st.just(original.replace(b"<", b"<<", 1)),
        )
    )
    if draw(st.booleans()):
        members.pop(draw(st.sampled_from(sorted(members))))
    return _rezip(members)


def raw_files(valid: bytes):
    return st.one_of(
        st.binary(max_size=2000),
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),  # an interrupted upload
        st.binary(min_size=1, max_size=50).map(lambda junk: junk + valid),
        st.binary(max_size=200).map(lambda tail: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail),
        st.dictionaries(
            st.text(alphabet="abcxyz/._", min_size=1, max_size=12), st.binary(max_size=100)
        ).map(_rezip),  # a zip that is not a workbook
        _corrupted_member(valid),
    )
