"""Hostile ledger workbooks against the reader's limits (issue 12 item 2). Not a test.

    python bench/ledger_hostile.py

(a) a sheet padded with 490 MB of XML comments that deflates to about half a megabyte;
(b) a sheet of 100,000 data rows (the limit is 20,000);
(c) a sheet of 20,000 data rows, at the limit, read in full.
For each: the upload's size, the seconds the reader takes and the peak memory growth
(tracemalloc), and the first message. Uses SQLite in memory; nothing is saved.
"""

import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402

from supervision.ledger.reader import read_workbook_with_warnings  # noqa: E402

HEADER = ["日期", "代表编号", "选民姓名", "选民电话", "联系方式", "内容"]


def small_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "联系选民"
    sheet.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_body(body_chunks) -> bytes:
    """The small workbook with its sheet's <sheetData> replaced by the chunks, streamed."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, content)
                continue
            head, rest = content.split(b"<sheetData>", 1)
            tail = rest.split(b"</sheetData>", 1)[1]
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                for chunk in body_chunks:
                    stream.write(chunk)
                stream.write(tail)
    return out.getvalue()


def comments(megabytes: int):
    comment = b"<!--" + b"x" * (1024 * 1024 - 7) + b"-->"
    yield b"<sheetData>"
    for _ in range(megabytes):
        yield comment
    yield b"</sheetData>"


def rows(n: int):
    yield b"<sheetData>"
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    yield f'<row r="1">{header}</row>'.encode()
    cells = "".join(
        f'<c r="{letter}{{r}}" t="inlineStr"><is><t>{{v{i}}}</t></is></c>'
        for i, letter in enumerate("ABCE")
    )
    for r in range(2, n + 2):
        yield (
            f'<row r="{r}">'
            + cells.format(r=r, v0="2024-05-01", v1="D001", v2=f"选民{r}", v3="走访")
            + "</row>"
        ).encode()
    yield b"</sheetData>"


def measure(name, data):
    started = time.monotonic()
    sheets, errors, _warnings = read_workbook_with_warnings(data)
    elapsed = time.monotonic() - started
    # Memory in a second run: tracemalloc slows the reader several times over.
    tracemalloc.start()
    read_workbook_with_warnings(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    first = str(errors[0]) if errors else f"ok: {sum(len(s.rows) for s in sheets.values())} 行"
    print(
        f"{name:<28} {len(data) / 1024:>9.0f} KB {elapsed:>7.2f} s {peak / 2**20:>7.1f} MB  {first}"
    )


if __name__ == "__main__":
    print(f"{'workbook':<28} {'upload':>12} {'seconds':>9} {'peak':>10}  result")
    measure("490 MB of XML comments", with_sheet_body(comments(490)))
    measure("100,000 rows", with_sheet_body(rows(100_000)))
    measure("20,000 rows (the limit)", with_sheet_body(rows(20_000)))
