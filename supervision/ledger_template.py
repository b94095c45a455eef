"""The blank ledger workbook (履职台账模板): every sheet and header, with dropdowns.

Required columns are bold (the header text stays the contract's); the fixed vocabularies
get Excel list validations so staff pick rather than type.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from supervision.ledger.schema import ACTIVITY_TYPES, SHEETS

# Rows the dropdowns cover; far more than a year's ledger.
VALIDATION_ROWS = 20000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def build_template() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
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
            cell.comment = Comment(note, "jdrenda")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
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
    guide = workbook.create_sheet(_("填写说明"))
    for line in (
        _("第 1 行为表头，请勿修改表头文字；加粗的列为必填列。"),
        _("日期可填 Excel 日期，或 2024-03-05、2024/3/5、2024年3月5日。"),
        _("多个代表编号或承办单位用 、 , ， ; ； 分隔。"),
        _("活动类型") + "：" + "、".join(ACTIVITY_TYPES),
        _("不需要的工作表可以删除；整个工作簿一次导入，有任何错误则不保存。"),
        _(
            "镇（街道）人大工作人员只能导入本代表团代表的记录；届次、会议（大会会议须为系统中"
            "已有的会议）、联系代表和议案建议由人事代表工委导入。"
        ),
        _(
            "满意度列仅供人事代表工委导入历史评价；办理评价由领衔代表本人在系统中填写，"
            "导入不会覆盖。"
        ),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 90
    return workbook


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_template().save(buffer)
    return buffer.getvalue()
