import io

from openpyxl import Workbook


def workbook_bytes(sheets: dict) -> bytes:
    """A workbook from {sheet name: [header row, data rows...]}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROSTER_HEADER = [
    "代表编号*",
    "姓名*",
    "代表团*",
    "代表小组",
    "性别",
    "常委会组成人员 (是/否)",
    "任职开始日期（默认届次开始）",
    "任职结束日期",
]


MEETING = "七届人大四次会议第一次全体会议"


def full_sheets() -> dict:
    """One of every sheet, small but complete."""
    return {
        "届次": [["名称", "开始日期", "结束日期"], ["第七届", "2022-01-01", "2026-12-31"]],
        "代表名册": [
            ROSTER_HEADER,
            ["D001", "张三", "嘉定镇街道", "第一小组", "男", "是", None, None],
            ["D002", "李四", "嘉定镇街道", "第一小组", "女", "否", None, None],
            ["D003", "王五", "南翔镇", "南翔小组", "男", None, "2023-03-01", "2025-06-30"],
        ],
        "暂停职务": [["代表编号", "开始日期", "结束日期"], ["D002", "2024-05-01", "2024-06-30"]],
        "大会会议": [
            ["会议名称", "会议类型", "日期", "代表编号", "出席情况", "请假事由"],
            [MEETING, "全体会议", "2024-01-10", "D001", "出席", None],
            [
                MEETING,
                "全体会议",
                "2024-01-10",
                "D002",
                "请假",
                "因病或特殊情况",
            ],
            [MEETING, "全体会议", "2024-01-10", "D003", "缺席", None],
        ],
        "大会发言": [
            ["日期", "代表编号", "会议名称", "发言主题"],
            ["2024-01-10", "D001", MEETING, "城市更新"],
        ],
        "履职活动": [
            ["活动名称", "活动类型", "日期", "代表编号", "组织单位", "参加情况"],
            ["城市更新专题调研", "专题调研", "2024-03-05", "D001", "城建环保工委", None],
            ["城市更新专题调研", "专题调研", "2024-03-05", "D003", "城建环保工委", "请假"],
        ],
        "联系选民": [
            ["日期", "代表编号", "选民姓名", "选民电话", "联系方式", "内容"],
            ["2024-04-01", "D001", "赵六", 13800000001, "走访", "反映停车难"],
            ["2024-04-01", "D001", "钱七", None, "走访", None],
        ],
        "联系代表": [
            ["日期", "常委会组成人员编号", "代表编号", "联系方式", "内容"],
            ["2024-04-02", "D001", "D002", "电话", "了解履职情况"],
        ],
        "议案建议": [
            [
                "编号",
                "类型",
                "标题",
                "提出日期",
                "领衔代表编号",
                "附议代表编号",
                "承办单位",
                "办理状态",
                "满意度",
            ],
            [
                "J2024001",
                "建议",
                "关于加强停车管理的建议",
                "2024-01-11",
                "D001",
                "D002、D003",
                "区建管委，区交通委",
                "办结",
                "满意",
            ],
        ],
        "向选民述职": [
            ["日期", "代表编号", "形式", "内容摘要"],
            ["2024-11-20", "D001", "口头", "向选民报告一年履职"],
        ],
    }


def snapshot() -> dict:
    """Every row the import writes, as comparable values (ids included: nothing recreated)."""
    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LiaisonCommunication,
        Meeting,
        Participation,
        Speech,
    )
    from deputies.models import (
        Constituent,
        Delegation,
        Deputy,
        DeputyGroup,
        Organiser,
        ServicePeriod,
        Suspension,
        Term,
    )
    from proposals.models import Cosignature, HandlingUnit, Proposal, ProposalEvaluation
    from supervision.models import ConstituencyReport

    models = [
        Term,
        Delegation,
        DeputyGroup,
        Deputy,
        ServicePeriod,
        Suspension,
        Meeting,
        Attendance,
        Speech,
        Organiser,
        Activity,
        Participation,
        Constituent,
        Communication,
        LiaisonCommunication,
        HandlingUnit,
        Proposal,
        Cosignature,
        ConstituencyReport,
    ]
    data = {m.__name__: sorted(map(repr, m.objects.values_list())) for m in models}
    data["ProposalEvaluation"] = sorted(
        ProposalEvaluation.objects.values_list("proposal_id", "overall")
    )
    data["Communication.constituents"] = sorted(
        Communication.constituents.through.objects.values_list("communication_id", "constituent_id")
    )
    data["Proposal.handling_units"] = sorted(
        Proposal.handling_units.through.objects.values_list("proposal_id", "handlingunit_id")
    )
    return data
