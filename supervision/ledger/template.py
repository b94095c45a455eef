"""The blank ledger workbook (履职台账模板): a guide first, then every sheet and header.

Required columns are bold (the header text stays the contract's); the fixed vocabularies
get Excel list validations so staff pick rather than type; code and phone columns are
text, so Excel keeps their leading zeros and never turns them into numbers.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from supervision.ledger import reader
from supervision.ledger.cells import CLEAR
from supervision.ledger.schema import ACTIVITY_TYPES, SHEETS
from supervision.ledger.validate import CLEARABLE, CODE_COLUMNS

# Rows the dropdowns and the text format cover; the import's row limit.
VALIDATION_ROWS = 20000
# Rows formatted as text cell by cell: LibreOffice ignores a column's style for typed cells;
# Excel and WPS follow the column style beyond these.
TEXT_CELL_ROWS = 500
TEXT = "@"
TEXT_COLUMNS = CODE_COLUMNS | {"手机号码", "选民电话"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def guide_lines() -> list[str]:
    from django.conf import settings

    max_rows = getattr(settings, "LEDGER_MAX_ROWS", None) or reader.MAX_ROWS
    max_bytes = getattr(settings, "LEDGER_MAX_UNZIPPED_BYTES", None) or reader.MAX_UNZIPPED_BYTES
    clearable = "；".join(
        f"{sheet}：{'、'.join(sorted(columns))}" for sheet, columns in CLEARABLE.items()
    )
    return [
        _("履职台账填写说明"),
        _(
            "工作表名称须与模板完全一致（如「联系选民」，不能改为「联系选民记录」）；"
            "名称相近的工作表会报错，不会被跳过。不需要的工作表可以删除。"
        ),
        _(
            "第 1 行为表头，请勿修改表头文字；加粗的列为必填列，列的顺序可以调整，多余的列不导入。"
            "表头上方可以有标题行或空行，系统会自动找到表头并提示所在行。"
        ),
        _("同一表头不能出现两次（隐藏的列也算）；隐藏的列同样会导入。"),
        _("合并单元格：上下合并的单元格，其内容适用于合并范围内的每一行。"),
        _(
            "日期可填 Excel 日期，或文字 2025-04-15、2025/4/15、2025年4月15日、"
            "2025.4.15、20250415。"
        ),
        _(
            "代表编号、手机号码等列已设为文本格式；全角字符（如 ＪＤ７０９００２）与半角相同，"
            "首尾空格会被去掉。"
        ),
        _("多个代表编号或承办单位用 、 , ， ; ； 分隔。"),
        _(
            "空白单元格不会清除系统中已有的内容（如已登记的性别、手机号码）；"
            "要清除已有内容，请在单元格中填写 %(marker)s。可以这样清除的列：%(columns)s。"
        )
        % {"marker": CLEAR, "columns": clearable},
        _("活动类型") + "：" + "、".join(ACTIVITY_TYPES),
        _(
            "镇（街道）人大工作人员只能导入本代表团代表的记录；届次、会议（大会会议须为系统中"
            "已有的会议）、联系代表和议案建议由人事代表工委导入。"
        ),
        _(
            "满意度列仅供人事代表工委导入历史评价；办理评价由领衔代表本人在系统中填写，"
            "导入不会覆盖。"
        ),
        _("整个工作簿一次导入，有任何错误则不保存；导入前会先显示检查结果。")
        + _("每个工作表最多 %(rows)s 行数据，文件解压后不超过 %(mb)s MB，超过请拆分后分批导入。")
        % {"rows": max_rows, "mb": max_bytes // 1024 // 1024},
    ]


def build_template() -> Workbook:
    workbook = Workbook()
    guide = workbook.active
    guide.title = _("填写说明")  # first: the sheet a user sees on opening
    for line in guide_lines():
        guide.append([line])
        guide.cell(row=guide.max_row, column=1).alignment = Alignment(wrap_text=True)
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 100
    for sheet_name, columns in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=column.required)
            cell.fill = _HEADER_FILL
            note = _("必填") if column.required else _("选填")
            if column.note:
                note = f"{note}；{column.note}"
            if column.vocabulary:
                note = f"{note}；{_('可选值')}：{'、'.join(column.vocabulary)}"
            if column.header in CLEARABLE.get(sheet_name, ()):
                note = f"{note}；{_('空白不清除已有内容，填写%(marker)s清除') % {'marker': CLEAR}}"
            cell.comment = Comment(note, "jdrenda")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
            if column.header in TEXT_COLUMNS:
                sheet.column_dimensions[letter].number_format = TEXT
                for row in range(2, TEXT_CELL_ROWS + 2):
                    sheet.cell(row=row, column=index).number_format = TEXT
            if column.vocabulary:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.vocabulary) + '"',
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle=_("无效的值"),
                    error=_("请从下拉列表中选择。"),
                )
                validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    return workbook


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_template().save(buffer)
    return buffer.getvalue()
