"""The ledger import applies the pages' permissions, sheet by sheet and column by column.

TABLE is the import permission table (README, Security): for each sheet and column, one row
a town-staff or office-staff importer might give, and the one outcome written out by hand —
saved, or refused with a row error at that column naming the reason (and nothing saved).
The command line imports as office staff. Committee staff and every other role may not use
the import at all (403; test_roles_without_the_import_are_refused).
"""

from datetime import date

import pytest
from django.urls import reverse

from activities.models import Activity, Meeting
from deputies import permissions
from deputies.models import Deputy, Organiser, Role
from deputies.scopes import activities_editable_by, deputies_editable_by
from proposals.models import Cosignature, Proposal, ProposalEvaluation
from supervision.ledger.services import import_ledger

from .conftest import snapshot, workbook_bytes

pytestmark = pytest.mark.django_db

OWN, OTHER = "嘉定镇街道", "南翔镇"
MEETING = "七届人大四次会议第一次全体会议"
TITLE = "关于加强停车管理的建议"


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    """Two delegations; town staff of 嘉定镇街道, office staff, committee staff of 城建环保工委.

    D001 (SC member), D002: 嘉定镇街道. D003 (a deputy with an account), D004 (SC member):
    南翔镇. Proposal J2024001 led by D003, co-signed by D004, evaluated 满意 by D003 on the
    page; J2024002 led by D001, not evaluated. One meeting; an activity of each organiser.
    """
    own, other = make_delegation(OWN), make_delegation(OTHER)
    group = make_group(term, own, "第一小组")
    d1 = make_deputy(term, "D001", delegation=own, group=group, is_sc_member=True)
    make_deputy(term, "D002", delegation=own)
    lead_user = make_user("d003")
    d3 = make_deputy(term, "D003", delegation=other, user=lead_user)
    d4 = make_deputy(term, "D004", delegation=other, is_sc_member=True)
    own_org = Organiser.objects.create(name="嘉定镇人大", delegation=own)
    other_org = Organiser.objects.create(name="南翔镇人大", delegation=other)
    committee = Organiser.objects.create(name="城建环保工委")
    Meeting.objects.create(term=term, name=MEETING, kind="plenary", date=date(2024, 1, 10))
    for name, day, organiser in (
        ("本镇专题调研", date(2024, 3, 5), own_org),
        ("南翔专题调研", date(2024, 3, 6), other_org),
        ("工委集中视察", date(2024, 3, 7), committee),
    ):
        Activity.objects.create(
            term=term, name=name, date=day, type="research", organiser=organiser
        )
    p1 = Proposal.objects.create(
        term=term, number="J2024001", kind="suggestion", title=TITLE,
        submitted_date=date(2024, 1, 11), lead=d3, status="closed",
    )  # fmt: skip
    Cosignature.objects.create(proposal=p1, deputy=d4)
    ProposalEvaluation.objects.create(proposal=p1, overall="satisfied", evaluated_by=lead_user)
    Proposal.objects.create(
        term=term, number="J2024002", kind="suggestion", title="关于社区养老的建议",
        submitted_date=date(2024, 1, 12), lead=d1, status="submitted",
    )  # fmt: skip
    return {
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town": make_user("town", roles=[(Role.TOWN_STAFF, own)]),
        "committee": make_user("committee", roles=[(Role.COMMITTEE_STAFF, committee)]),
        "command": None,  # the import_ledger command
    }


OK = "saved"


def no(column, reason):
    """Refused: one row error at `column` whose message contains `reason`."""
    return (column, reason)


PROPOSAL_HEADER = ["编号", "类型", "标题", "提出日期", "领衔代表编号", "附议代表编号", "承办单位",
                   "办理状态", "满意度"]  # fmt: skip
P1 = ["J2024001", "建议", TITLE, "2024-01-11", "D003", "D004", "", "办结", ""]
P2 = ["J2024002", "建议", "关于社区养老的建议", "2024-01-12", "D001", "", "", "提交", ""]


def proposal(base, **change):
    row = dict(zip(PROPOSAL_HEADER, base, strict=True))
    row.update(change)
    return row


NOT_YOURS = "您无权导入其他代表团代表的记录"
PROPOSALS_OFFICE_ONLY = "议案建议由人事代表工委登记和修改"

# (case, sheet, {column: value}, outcome for office staff (and the command), for town staff)
TABLE = [
    # 届次: office staff only; repeating the stored term unchanged is harmless.
    ("new term", "届次", {"名称": "第八届", "开始日期": "2027-01-01", "结束日期": "2031-12-31"},
     OK, no("名称", "只有人事代表工委工作人员可以新建或修改届次")),
    ("term dates", "届次", {"名称": "第七届", "开始日期": "2022-01-01", "结束日期": "2026-06-30"},
     OK, no("名称", "只有人事代表工委工作人员可以新建或修改届次")),
    ("term as stored", "届次",
     {"名称": "第七届", "开始日期": "2022-01-01", "结束日期": "2026-12-31"},
     OK, OK),
    # 代表名册: every column of a deputy of the town's delegations; never another's.
    ("own deputy, every column", "代表名册",
     {"代表编号": "D002", "姓名": "李四", "代表团": OWN, "代表小组": "第一小组", "性别": "女",
      "出生日期": "1970-05-01", "民族": "汉族", "政治面貌": "中共党员", "工作单位及职务": "某公司",
      "选区": "第3选区", "手机号码": "13800000002", "常委会组成人员": "是",
      "任职开始日期": "2022-01-01", "任职结束日期": "2025-06-30"}, OK, OK),
    ("new deputy, own delegation", "代表名册",
     {"代表编号": "D010", "姓名": "新代表", "代表团": OWN},
     OK, OK),
    ("new deputy, other delegation", "代表名册",
     {"代表编号": "D011", "姓名": "新代表", "代表团": OTHER}, OK, no("代表团", OTHER)),
    ("new deputy, new delegation", "代表名册",
     {"代表编号": "D012", "姓名": "新代表", "代表团": "新成镇"}, OK, no("代表团", "新成镇")),
    ("other's deputy, 姓名", "代表名册", {"代表编号": "D003", "姓名": "改名", "代表团": OTHER},
     OK, no("代表团", OTHER)),
    ("own deputy moved out (代表团)", "代表名册",
     {"代表编号": "D002", "姓名": "李四", "代表团": OTHER},
     OK, no("代表团", OTHER)),
    ("other's deputy moved in (代表团)", "代表名册",
     {"代表编号": "D003", "姓名": "王五", "代表团": OWN},
     OK, no("代表团", OTHER)),
    # 暂停职务: as the deputy's file.
    ("suspension, own", "暂停职务",
     {"代表编号": "D002", "开始日期": "2024-05-01", "结束日期": "2024-06-30"},
     OK, OK),
    ("suspension, other's", "暂停职务", {"代表编号": "D003", "开始日期": "2024-05-01"},
     OK, no("代表编号", NOT_YOURS)),
    # 大会会议: attendance of the town's deputies at meetings office staff made, as made.
    ("attendance, own, every column", "大会会议",
     {"会议名称": MEETING, "会议类型": "全体会议", "日期": "2024-01-10", "代表编号": "D001",
      "出席情况": "请假", "请假事由": "因病或特殊情况"}, OK, OK),
    ("attendance, other's", "大会会议",
     {"会议名称": MEETING, "会议类型": "全体会议", "日期": "2024-01-10", "代表编号": "D003",
      "出席情况": "出席"}, OK, no("代表编号", NOT_YOURS)),
    ("new meeting (会议名称, 日期)", "大会会议",
     {"会议名称": "七届人大五次会议", "会议类型": "全体会议", "日期": "2025-01-10",
      "代表编号": "D001", "出席情况": "出席"}, OK, no("会议名称", "会议由人事代表工委新建")),
    ("meeting's type changed (会议类型)", "大会会议",
     {"会议名称": MEETING, "会议类型": "预备会议", "日期": "2024-01-10", "代表编号": "D001",
      "出席情况": "出席"}, OK, no("会议类型", "会议由人事代表工委修改")),
    # 大会发言.
    ("speech, own, every column", "大会发言",
     {"日期": "2024-01-10", "代表编号": "D001", "会议名称": MEETING, "发言主题": "城市更新"},
     OK, OK),
    ("speech, other's", "大会发言", {"日期": "2024-01-10", "代表编号": "D003"},
     OK, no("代表编号", NOT_YOURS)),
    # 履职活动: activities of the town's organiser; their roll of deputies the town sees.
    ("new activity, own organiser, every column", "履职活动",
     {"活动名称": "新调研", "活动类型": "专题调研", "日期": "2024-04-01", "代表编号": "D001",
      "组织单位": "嘉定镇人大", "参加情况": "请假"}, OK, OK),
    ("new activity, other town's organiser", "履职活动",
     {"活动名称": "新调研", "活动类型": "专题调研", "日期": "2024-04-01", "代表编号": "D001",
      "组织单位": "南翔镇人大"}, OK, no("组织单位", "您无权新建该活动")),
    ("new activity, no organiser", "履职活动",
     {"活动名称": "新调研", "活动类型": "专题调研", "日期": "2024-04-01", "代表编号": "D001"},
     OK, no("组织单位", "您无权新建该活动")),
    ("new activity, new organiser", "履职活动",
     {"活动名称": "新调研", "活动类型": "专题调研", "日期": "2024-04-01", "代表编号": "D001",
      "组织单位": "新组织单位"}, OK, no("组织单位", "您无权新建该活动")),
    ("own activity, own deputy", "履职活动",
     {"活动名称": "本镇专题调研", "活动类型": "专题调研", "日期": "2024-03-05", "代表编号": "D002"},
     OK, OK),
    ("own activity, type changed (活动类型)", "履职活动",
     {"活动名称": "本镇专题调研", "活动类型": "集中视察", "日期": "2024-03-05", "代表编号": "D002"},
     OK, OK),
    ("own activity, other's deputy", "履职活动",
     {"活动名称": "本镇专题调研", "活动类型": "专题调研", "日期": "2024-03-05", "代表编号": "D003"},
     OK, no("代表编号", NOT_YOURS)),
    ("own activity, organiser changed (组织单位)", "履职活动",
     {"活动名称": "本镇专题调研", "活动类型": "专题调研", "日期": "2024-03-05", "代表编号": "D002",
      "组织单位": "南翔镇人大"}, OK, no("组织单位", "您无权把活动改由该组织单位组织")),
    ("other town's activity", "履职活动",
     {"活动名称": "南翔专题调研", "活动类型": "专题调研", "日期": "2024-03-06", "代表编号": "D002"},
     OK, no("活动名称", "不是您所在单位组织的")),
    ("committee's activity", "履职活动",
     {"活动名称": "工委集中视察", "活动类型": "专题调研", "日期": "2024-03-07", "代表编号": "D002"},
     OK, no("活动名称", "不是您所在单位组织的")),
    # 联系选民: the town's deputies.
    ("communication, own, every column", "联系选民",
     {"日期": "2024-04-01", "代表编号": "D001", "选民姓名": "赵六", "选民电话": "13800000001",
      "联系方式": "走访", "内容": "反映停车难"}, OK, OK),
    ("communication, other's", "联系选民",
     {"日期": "2024-04-01", "代表编号": "D003", "选民姓名": "赵六"},
     OK, no("代表编号", NOT_YOURS)),
    # 联系代表: office staff, or the SC member themself (who has no import); never town staff.
    ("liaison, own SC member, every column", "联系代表",
     {"日期": "2024-04-02", "常委会组成人员编号": "D001", "代表编号": "D002", "联系方式": "电话",
      "内容": "了解履职情况"}, OK, no("常委会组成人员编号", "该常委会组成人员本人")),
    ("liaison, other's SC member", "联系代表",
     {"日期": "2024-04-02", "常委会组成人员编号": "D004", "代表编号": "D001"},
     OK, no("常委会组成人员编号", "该常委会组成人员本人")),
    # 议案建议: office staff only, every column; 满意度 only historic, never over the lead
    # deputy's own evaluation.
    ("proposal as stored", "议案建议", proposal(P1), OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("new proposal, own lead", "议案建议", proposal(P2, 编号="J2024009"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("own proposal, 标题", "议案建议", proposal(P2, 标题="改过的标题"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("other's proposal, 类型", "议案建议", proposal(P1, 类型="议案"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("other's proposal, 提出日期", "议案建议", proposal(P1, 提出日期="2024-01-15"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("other's proposal moved to own deputy (领衔代表编号)", "议案建议",
     proposal(P1, 领衔代表编号="D001"), OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("other's co-signer removed (附议代表编号)", "议案建议", proposal(P1, 附议代表编号=""),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("承办单位", "议案建议",
     proposal(P1, 承办单位="区建管委"), OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("withdrawn (办理状态)", "议案建议", proposal(P1, 办理状态="撤回"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("答复日期", "议案建议", proposal(P1, 答复日期="2024-03-01"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("满意度, historic (no evaluation yet)", "议案建议", proposal(P2, 满意度="基本满意"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("满意度, as the lead deputy evaluated", "议案建议", proposal(P1, 满意度="满意"),
     OK, no("编号", PROPOSALS_OFFICE_ONLY)),
    ("满意度 over the lead deputy's evaluation", "议案建议", proposal(P1, 满意度="不满意"),
     no("满意度", "领衔代表已在系统中评价（满意），导入不能覆盖"),
     no("编号", PROPOSALS_OFFICE_ONLY)),
    # 向选民述职.
    ("report, own, every column", "向选民述职",
     {"日期": "2024-11-20", "代表编号": "D001", "形式": "口头", "内容摘要": "向选民报告一年履职"},
     OK, OK),
    ("report, other's", "向选民述职", {"日期": "2024-11-20", "代表编号": "D003"},
     OK, no("代表编号", NOT_YOURS)),
]  # fmt: skip

WALK = [
    pytest.param(role, sheet, row, outcomes[role == "town"], id=f"{role}-{case}")
    for case, sheet, row, *outcomes in TABLE
    for role in ("office", "command", "town")
]  # fmt: skip


@pytest.mark.parametrize(("role", "sheet", "row", "expected"), WALK)
def test_import_permission_table(world, role, sheet, row, expected):
    user = world[role]
    data = workbook_bytes({sheet: [list(row), list(row.values())]})
    before = snapshot()
    result = import_ledger(data, "第七届", user=user, importer=user)
    if expected == OK:
        assert result.errors == [], [str(e) for e in result.errors]
        assert result.applied
        return
    column, reason = expected
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(sheet, 2, column)]
    assert reason in result.errors[0].message
    assert not result.applied
    assert snapshot() == before, "a refused row saved something"


def test_table_covers_every_column_of_every_sheet():
    from supervision.ledger.schema import SHEETS

    covered = {(sheet, column) for _case, sheet, row, *_ in TABLE for column in row}
    expected = {(sheet, c.header) for sheet, columns in SHEETS.items() for c in columns}
    assert expected - covered == set()


def test_preview_is_no_oracle_for_the_evaluation(world, make_user):
    """Town staff guessing the stored 满意度 of their own deputy's proposal get the same
    answer whether right or wrong (it was "已有（无变化）" against "更新")."""
    d2 = Deputy.objects.get(code="D002")
    d2.user = make_user("d002")
    d2.save()
    p3 = Proposal.objects.create(
        term=d2.term, number="J2024003", kind="suggestion", title="关于河道整治的建议",
        submitted_date=date(2024, 1, 13), lead=d2, status="closed",
    )  # fmt: skip
    ProposalEvaluation.objects.create(proposal=p3, overall="basic", evaluated_by=d2.user)
    row = ["J2024003", "建议", "关于河道整治的建议", "2024-01-13", "D002", "", "", "办结"]
    answers = []
    for guess in ("基本满意", "不满意"):
        data = workbook_bytes({"议案建议": [PROPOSAL_HEADER, row + [guess]]})
        result = import_ledger(
            data, "第七届", dry_run=True, user=world["town"], importer=world["town"]
        )
        answers.append(([str(e) for e in result.errors], result.sheets["议案建议"]))
    assert answers[0] == answers[1]
    assert "已有" not in str(answers[0]) and "满意" not in str(answers[0][0])


def test_town_staff_upload_of_proposals_changes_nothing(world, client_for):
    """Issue 12 item 1 and issue 20 item 2, through the browser: lead moved, co-signer removed,
    evaluation overwritten, withdrawn — refused, and nothing saved on confirm."""
    client = client_for(world["town"])
    row = proposal(P1, 领衔代表编号="D001", 附议代表编号="", 办理状态="撤回", 满意度="不满意")
    upload = client.post(
        reverse("supervision:ledger_import"),
        {
            "term": "第七届",
            "file": _file(workbook_bytes({"议案建议": [list(row), list(row.values())]})),
        },
    )
    location = upload["Location"]
    html = client.get(location).content.decode()
    assert PROPOSALS_OFFICE_ONLY in html and "确认导入" not in html
    client.post(location)
    p1 = Proposal.objects.get(number="J2024001")
    assert (p1.lead.code, p1.status) == ("D003", "closed")
    assert list(p1.cosignatures.values_list("deputy__code", flat=True)) == ["D004"]
    assert p1.evaluation.overall == "satisfied" and p1.evaluation.evaluated_by.username == "d003"


def _file(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ledger.xlsx", data)


@pytest.mark.parametrize("role", ["committee", "leadership", "deputy", "head", "none"])
def test_roles_without_the_import_are_refused(world, make_user, client_for, role, delegation):
    user = {
        "committee": lambda: world["committee"],
        "leadership": lambda: make_user("leader", roles=[(Role.LEADERSHIP, None)]),
        "deputy": lambda: Proposal.objects.get(number="J2024001").lead.user,
        "head": lambda: make_user("head", roles=[(Role.DELEGATION_HEAD, delegation)]),
        "none": lambda: make_user("nobody"),
    }[role]()
    client = client_for(user)
    assert client.get(reverse("supervision:ledger_import")).status_code == 403
    assert client.get(reverse("supervision:ledger_template")).status_code == 403
    data = workbook_bytes({"议案建议": [PROPOSAL_HEADER, P1]})
    response = client.post(
        reverse("supervision:ledger_import"), {"term": "第七届", "file": _file(data)}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["office", "town", "committee"])
def test_pages_querysets_agree_with_the_permission_functions(world, role, term):
    """The pages list and look up records with the QuerySets of deputies.scopes; the import
    and the single-record checks ask deputies.permissions. Both must say the same."""
    from activities.views import _communication_recorders, _liaison_members
    from supervision.records.services import can_record_reports, report_deputies

    user = world[role]
    editable = set(deputies_editable_by(user).values_list("code", flat=True))
    communication = set(_communication_recorders(user).values_list("code", flat=True))
    reports = set(report_deputies(user).values_list("code", flat=True))
    reports = reports if can_record_reports(user) else set()
    members = set(_liaison_members(user).values_list("code", flat=True))
    for deputy in Deputy.objects.all():
        code = deputy.code
        assert permissions.may_change_deputy(user, deputy) == (code in editable), code
        assert permissions.may_change_suspension(user, deputy) == (code in editable), code
        assert permissions.may_record_attendance(user, deputy) == (code in editable), code
        assert permissions.may_record_speech(user, deputy) == (code in editable), code
        assert permissions.may_record_communication(user, deputy) == (code in communication)
        assert permissions.may_record_report(user, deputy) == (code in reports), code
        assert permissions.may_record_liaison(user, deputy) == (code in members), code
    activities = set(activities_editable_by(user).values_list("name", flat=True))
    for activity in Activity.objects.select_related("organiser"):
        allowed = permissions.may_change_activity(user, activity.organiser)
        assert allowed == (activity.name in activities), activity.name
    expected = {"office": {"本镇专题调研", "南翔专题调研", "工委集中视察"},
                "town": {"本镇专题调研"}, "committee": {"工委集中视察"}}[role]  # fmt: skip
    assert activities == expected
    expected_editable = {"office": {"D001", "D002", "D003", "D004"}, "town": {"D001", "D002"},
                         "committee": set()}[role]  # fmt: skip
    assert editable == expected_editable
    create = client_status(user, reverse("proposals:proposal_create"))
    assert permissions.may_change_proposal(user) == (create == 200) == (role == "office")


def client_status(user, url):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(url).status_code


def test_town_staff_checks_do_not_grow_queries_with_rows(world):
    """The permission checks read what they need once (organisers, meetings, activities)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        sheets = {
            "履职活动": [["活动名称", "活动类型", "日期", "代表编号", "组织单位"]]
            + [[f"活动{i}", "专题调研", "2024-04-01", "D001", "嘉定镇人大"] for i in range(n)]
            + [["本镇专题调研", "专题调研", "2024-03-05", "D002", ""]] * n,
            "大会会议": [["会议名称", "会议类型", "日期", "代表编号", "出席情况"]]
            + [[MEETING, "全体会议", "2024-01-10", "D001", "出席"]] * n,
            "联系选民": [["日期", "代表编号", "选民姓名"]]
            + [["2024-04-01", "D002", f"选民{i}"] for i in range(n)],
        }
        town = world["town"]
        with CaptureQueriesContext(connection) as captured:
            result = import_ledger(workbook_bytes(sheets), "第七届", dry_run=True, importer=town)
        assert result.errors == [], [str(e) for e in result.errors]
        return len(captured)

    queries(1)  # the importer's roles are read once and kept on the user
    assert queries(5) == queries(40)
