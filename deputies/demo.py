"""The demo dataset for Jiading: `python manage.py seed_demo` (see the command for options).

Everything is generated from fixed seeds and fixed dates, in a fixed order, so two fresh
databases seeded the same way hold identical data. Rows are written with bulk_create in
batches (no history rows: demo data has no past), so `--scale 67` (about 20,000 deputies)
stays practical.

The data is shaped by archetypes rather than chance alone: for each evaluated year some
deputies are chosen to fall short of each rule of DESIGN.md's rule table (no training, one
group activity, four constituents reached twice, an unexcused 缺席, …) while the rest meet
it, so every rule shows both outcomes in 2024, 2025 and 2026.
"""

import contextlib
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityAttachment,
    ActivityType,
    Attendance,
    AttendanceStatus,
    Communication,
    ContactMethod,
    LeaveRequest,
    LiaisonCommunication,
    Meeting,
    Participation,
    PublicOpinion,
    Session,
    Speech,
)
from proposals.models import (
    Assignment,
    Cosignature,
    HandlingUnit,
    Proposal,
    ProposalEvaluation,
    Satisfaction,
)
from supervision.dashboard.services import bump_data_version
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview

from .models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonAssignment,
    Organiser,
    Role,
    RoleAssignment,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)
from .services import fill_name_initials

SEED = 20220101
TERM_NAME = "第七届"
TERM_START = date(2022, 1, 1)
TERM_END = date(2026, 12, 31)
YEARS = (2022, 2023, 2024, 2025, 2026)
# Records of the closing year stop here: the demo shows a year nearly, not wholly, done.
DATA_END = date(2026, 11, 20)
DEMO_PASSWORD = "jdrenda-demo-2026"
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 2000

# (name, kind, deputies at scale 1, groups at scale 1), in the official order.
DELEGATIONS = (
    ("嘉定镇街道", Delegation.Kind.STREET, 20, 4),
    ("新成路街道", Delegation.Kind.STREET, 18, 4),
    ("真新街道", Delegation.Kind.STREET, 24, 5),
    ("菊园新区", Delegation.Kind.OTHER, 20, 4),
    ("南翔镇", Delegation.Kind.TOWN, 32, 6),
    ("安亭镇", Delegation.Kind.TOWN, 36, 7),
    ("马陆镇", Delegation.Kind.TOWN, 30, 6),
    ("徐行镇", Delegation.Kind.TOWN, 20, 4),
    ("华亭镇", Delegation.Kind.TOWN, 15, 3),
    ("外冈镇", Delegation.Kind.TOWN, 18, 4),
    ("江桥镇", Delegation.Kind.TOWN, 40, 8),
    ("嘉定工业区", Delegation.Kind.OTHER, 27, 5),
)
COMMITTEES = (
    "人事代表工委",
    "法制工委",
    "财经工委",
    "城建环保工委",
    "教科文卫工委",
    "社会建设工委",
    "监察和司法工委",
)
HANDLING_UNITS = (
    "区发改委",
    "区教育局",
    "区卫健委",
    "区住建委",
    "区交通委",
    "区绿化市容局",
    "区民政局",
    "区公安分局",
    "区生态环境局",
    "区规划资源局",
    "区人社局",
    "区文旅局",
    "区商务委",
    "区水务局",
    "区市场监管局",
    "区农业农村委",
)
SESSION_STARTS = {
    2022: date(2022, 1, 5),
    2023: date(2023, 1, 4),
    2024: date(2024, 1, 9),
    2025: date(2025, 1, 7),
    2026: date(2026, 1, 6),
}
# After DATA_END, before the term ends: the session the demo deputy can ask leave for.
UPCOMING = date(2026, 12, 20)


def upcoming_day(today: date) -> date:
    """UPCOMING while it is still ahead; later, two weeks from the day of seeding, so a
    seeded demo always has a meeting to ask leave for (the demo term itself ends 2026-12-31)."""
    return max(UPCOMING, today + timedelta(days=14))


UPCOMING_SESSION = "七届人大六次会议"
CN_DIGITS = "零一二三四五六七八九"

SURNAMES = (
    "张王李赵陈刘杨黄周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强军磊洋勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆建国文武振宇峰晨旭东海林德志忠"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英慧莉燕玲红梅琳雪萍婷颖倩洁琴晶佳怡雯蓉薇岚菁红云华君琪瑶"
ETHNIC_MINORITIES = ("回族", "满族", "蒙古族", "土家族", "壮族", "朝鲜族")
PARTIES = (
    ("中共党员", 62),
    ("群众", 16),
    ("民盟盟员", 4),
    ("民建会员", 4),
    ("民进会员", 3),
    ("农工党党员", 3),
    ("九三学社社员", 3),
    ("致公党党员", 2),
    ("无党派人士", 3),
)
WORKPLACES = (
    "{d}党工委副书记",
    "{d}人大主席",
    "{d}社区卫生服务中心主任",
    "{d}{v}村党总支书记",
    "{d}{v}居民区党总支书记",
    "{d}{v}居民区居委会主任",
    "上海{v}汽车零部件有限公司总经理",
    "上海{v}智能科技有限公司董事长",
    "嘉定区{v}中学校长",
    "嘉定区{v}小学教师",
    "嘉定区中心医院主任医师",
    "嘉定区妇幼保健院副院长",
    "上海{v}律师事务所主任律师",
    "{d}{v}农业专业合作社理事长",
    "上海{v}物业管理有限公司项目经理",
    "嘉定区{v}幼儿园园长",
    "上海{v}精密机械有限公司高级工程师",
    "嘉定区公安分局{d}派出所所长",
)
PLACE_WORDS = (
    "永乐",
    "新华",
    "银翔",
    "胜辛",
    "古猗",
    "百佳",
    "云翔",
    "清河",
    "静园",
    "秋霞",
    "汇龙",
    "州桥",
    "疁城",
    "戬浜",
    "大裕",
    "陈周",
    "娄塘",
    "草庵",
    "钱门",
    "泉泾",
    "望新",
    "曹王",
    "施泾",
    "北管",
)
TOPICS = (
    ("加快老旧小区加装电梯", "区住建委"),
    ("优化公交线路与轨道交通接驳", "区交通委"),
    ("增加社区养老服务设施", "区民政局"),
    ("推进义务教育优质均衡发展", "区教育局"),
    ("缓解社区卫生服务中心就诊难", "区卫健委"),
    ("加强河道综合治理", "区生态环境局"),
    ("规范共享单车停放管理", "区绿化市容局"),
    ("完善垃圾分类收运体系", "区绿化市容局"),
    ("加强校园周边交通安全管理", "区公安分局"),
    ("优化产业园区规划布局", "区规划资源局"),
    ("支持汽车产业转型升级", "区发改委"),
    ("提升农村人居环境", "区农业农村委"),
    ("加强食品安全监管", "区市场监管局"),
    ("扩大高校毕业生就业渠道", "区人社局"),
    ("推动文旅融合发展", "区文旅局"),
    ("改善农贸市场经营环境", "区商务委"),
    ("解决低洼地区积水问题", "区水务局"),
    ("增设新能源汽车充电设施", "区发改委"),
    ("加强电动自行车充电安全管理", "区公安分局"),
    ("推进社区嵌入式服务设施建设", "区民政局"),
)
ACTIVITY_TOPICS = {
    ActivityType.RESEARCH: ("营商环境优化", "乡村振兴", "养老服务体系", "城市更新", "基层治理"),
    ActivityType.INSPECTION: ("重大工程建设", "民心工程", "生态环境保护", "公共文化设施"),
    ActivityType.LAW_ENFORCEMENT: (
        "《食品安全法》",
        "《安全生产法》",
        "《上海市生活垃圾管理条例》",
    ),
    ActivityType.SC_MEETING: ("区七届人大常委会第{n}次会议",),
    ActivityType.FORUM: ("主任会议组成人员召集代表座谈会",),
    ActivityType.GOVERNMENT: (
        "区政府常务会议",
        "区法院公众开放日",
        "区检察院检察开放日",
        "区监委专项工作通报会",
    ),
    ActivityType.TRAINING: ("代表履职学习培训班", "代表法专题辅导", "预算审查监督专题培训"),
    ActivityType.PROPOSAL_FOLLOWUP: ("重点建议现场督办", "代表建议办理面商"),
    ActivityType.OTHER: ("代表接待日联合活动", "街镇人大工作交流"),
}
SPEECH_TOPICS = (
    "关于政府工作报告的审议意见",
    "关于计划执行情况和计划草案的意见",
    "关于预算执行情况和预算草案的意见",
    "关于法院工作报告的审议意见",
    "关于检察院工作报告的审议意见",
    "关于常委会工作报告的审议意见",
    "关于民生实事项目的建议",
)
METHODS = (
    (ContactMethod.VISIT, 30),
    (ContactMethod.MEETING, 20),
    (ContactMethod.PHONE, 30),
    (ContactMethod.ONLINE, 20),
)
LEAVE_EXPLANATIONS = {
    Attendance.LeaveReason.ABROAD: "随团赴外开展经贸交流活动，经单位批准出境。",
    Attendance.LeaveReason.IMPORTANT: "同期参加市委召开的重要会议。",
    Attendance.LeaveReason.ILLNESS: "因病住院治疗，附医院证明。",
}

# Record texts (data, not interface: stored as written).
COMMUNICATION_TEXT = "%(how)s听取选民关于%(topic)s的意见建议。"
LIAISON_TEXT = "通报常委会工作情况，听取代表对%(topic)s的意见。"
OPINION_TITLE = "关于%(topic)s的群众反映"
OPINION_TEXT = "选区群众反映%(topic)s方面存在困难，希望有关部门予以关注。"
OPINION_OUTCOME = "承办单位已现场核实并答复诉求人。"
RECEPTION_TEXT = "接待群众%(n)s人次，反映%(issue)s等问题，已转相关部门办理。"
METHOD_LABELS = {m.value: str(m.label) for m in ContactMethod}


# Demo accounts: username, role, what the role is scoped to (filled in at seeding).
ACCOUNTS = (
    ("office", Role.OFFICE_STAFF),
    ("committee", Role.COMMITTEE_STAFF),
    ("town", Role.TOWN_STAFF),
    ("leader", Role.GROUP_LEADER),
    ("head", Role.DELEGATION_HEAD),
    ("secretary", Role.SECRETARY_GENERAL),
    ("qualification", Role.QUALIFICATION),
    ("leadership", Role.LEADERSHIP),
    ("deputy", Role.DEPUTY),
)
# The staff demo accounts' people (shown instead of usernames; jdrenda.people).
STAFF_NAMES = {
    "office": "周敏",
    "committee": "陆海峰",
    "town": "沈丽华",
    "head": "顾建国",
    "secretary": "钱志强",
    "qualification": "朱慧",
    "leadership": "徐卫东",
}
DEMO_TOWN = "南翔镇"
DEMO_COMMITTEE = "人事代表工委"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (for names such as 第十二代表小组)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = CN_DIGITS[n // 100] + "百"
        if not rest:
            return head
        if rest < 10:
            return head + "零" + CN_DIGITS[rest]
        return head + ("一" if rest < 20 else "") + cn_number(rest)
    return str(n)


def organiser_name(delegation_name: str, kind: str) -> str:
    return (
        f"{delegation_name}人大" if kind == Delegation.Kind.TOWN else f"{delegation_name}人大工委"
    )


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=TZ)


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


# ---------------------------------------------------------------------------------------------
# In-memory picture of a deputy while generating


@dataclass
class Info:
    index: int
    deputy: Deputy
    delegation: int
    group: int
    intervals: list = field(default_factory=list)  # active (start, end), suspensions removed
    regular: bool = True  # whole term, never suspended: eligible for archetypes
    sc_member: bool = False
    constituents: list = field(default_factory=list)  # Constituent pks
    by_election: date | None = None

    def active_on(self, d: date) -> bool:
        return any(s <= d <= e for s, e in self.intervals)

    def active_days(self, lo: date, hi: date) -> int:
        return sum(max(0, (min(e, hi) - max(s, lo)).days + 1) for s, e in self.intervals)

    def random_date(self, rng: random.Random, lo: date, hi: date) -> date | None:
        spans = [(max(s, lo), min(e, hi)) for s, e in self.intervals if s <= hi and e >= lo]
        total = sum((e - s).days + 1 for s, e in spans)
        if total <= 0:
            return None
        k = rng.randrange(total)
        for s, e in spans:
            n = (e - s).days + 1
            if k < n:
                return s + timedelta(days=k)
            k -= n
        raise AssertionError("unreachable")


def year_window(year: int) -> tuple[date, date]:
    """Days on which closed-session records fall: after the January session, to mid-December."""
    return date(year, 2, 1), min(date(year, 12, 20), DATA_END)


class Writer:
    """Buffers rows of one model and writes them with bulk_create in batches.

    `log` (optional) hears about every 200,000 rows, so a large run shows it is moving.
    """

    EVERY = 200_000

    def __init__(self, model, after=None, log=None):
        self.model, self.after, self.log, self.rows, self.count = model, after, log, [], 0

    def add(self, obj):
        self.rows.append(obj)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if self.rows:
            self.model.objects.bulk_create(self.rows, batch_size=BATCH)
            if self.after:
                self.after(self.rows)
            before, self.count = self.count, self.count + len(self.rows)
            self.rows = []
            if self.log and before // self.EVERY != self.count // self.EVERY:
                self.log(self.model._meta.verbose_name, self.count)
        return self.count


# ---------------------------------------------------------------------------------------------
# Entry points


def demo_exists() -> bool:
    return Term.objects.filter(name=TERM_NAME).exists()


def account_rows() -> list[tuple[str, str, str]]:
    """(username, password, role in Chinese) for the table printed after every run."""
    return [(username, DEMO_PASSWORD, str(role.label)) for username, role in ACCOUNTS]


@transaction.atomic
def reset_demo(reference: bool = False) -> None:
    """Delete the demo term with everything recorded under it, and the demo accounts.

    Rows are deleted with plain DELETE statements, child tables first: going through the
    ORM's collector would load every row and write a history row for each. With
    `reference`, the delegations, organisers and handling units go too where nothing else
    uses them.
    """
    User = get_user_model()
    term = Term.objects.filter(name=TERM_NAME).first()
    if term is not None:
        of_term = {"deputy__term": term}
        steps = [
            (Award, {"deputy__term": term}),
            (Award, {"proposal__term": term}),
            (Interview, of_term),
            (GroupAnnualReport, {"group__term": term}),
            (ConstituencyReport, of_term),
            (ProposalEvaluation, {"proposal__term": term}),
            (Cosignature, {"proposal__term": term}),
            (Assignment, {"proposal__term": term}),
            (Proposal.handling_units.through, {"proposal__term": term}),
            (Proposal, {"term": term}),
            (LiaisonCommunication, {"member__term": term}),
            (Communication.constituents.through, {"communication__deputy__term": term}),
            (Communication, of_term),
            (PublicOpinion, of_term),
            (Participation, {"activity__term": term}),
            (ActivityAttachment, {"activity__term": term}),  # rows only; files stay on disk
            (Activity, {"term": term}),
            (Speech, of_term),
            (LeaveRequest, {"meeting__term": term}),
            (Attendance, {"meeting__term": term}),
            (Meeting, {"term": term}),
            (Session, {"term": term}),
            (LiaisonAssignment, {"member__term": term}),
            (Constituent, of_term),
            (Termination, of_term),
            (Suspension, of_term),
            (ServicePeriod, of_term),
            (RoleAssignment, {"group__term": term}),
        ]
        for model, lookup in steps:
            qs = model.objects.filter(**lookup)
            qs._raw_delete(qs.db)
        DeputyGroup.objects.filter(term=term).update(leader=None)
        Deputy.objects.filter(term=term).update(group=None, user=None)
        for model in (DeputyGroup, Deputy):
            qs = model.objects.filter(term=term)
            qs._raw_delete(qs.db)
        Term.objects.filter(pk=term.pk).delete()
    usernames = [username for username, _role in ACCOUNTS]
    RoleAssignment.objects.filter(user__username__in=usernames).delete()
    User.objects.filter(username__in=usernames).delete()
    if reference:
        for model, names in (
            (Organiser, [organiser_name(n, k) for n, k, _d, _g in DELEGATIONS] + list(COMMITTEES)),
            (HandlingUnit, list(HANDLING_UNITS)),
            (Delegation, [n for n, _k, _d, _g in DELEGATIONS]),
        ):
            for obj in model.objects.filter(name__in=names):
                with contextlib.suppress(ProtectedError):  # still used outside the demo
                    obj.delete()


def seed_demo(scale: int = 1, log=print) -> dict:
    """Write the demo dataset; returns the number of rows written per model."""
    return DemoBuilder(scale, log).run()


class DemoBuilder:
    def __init__(self, scale: int, log):
        self.scale = max(1, int(scale))
        self.log = log
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()

    def rng(self, stage: str) -> random.Random:
        # One stream per stage, so changing one stage leaves the others' data unchanged.
        return random.Random(f"{SEED}:{stage}")

    def partial(self, label, n: int):
        elapsed = time.monotonic() - self.started
        self.log(f"  [{elapsed:6.1f}s] {label} {n:,} …")

    def progress(self, label: str, n: int | None = None):
        self.counts[label] = (self.counts.get(label, 0) + n) if n is not None else 0
        elapsed = time.monotonic() - self.started
        shown = f"{n:,}" if n is not None else ""
        self.log(f"  [{elapsed:6.1f}s] {label} {shown}")

    @transaction.atomic
    def run(self) -> dict:
        self.reference_data()
        self.people()
        self.service()
        self.constituents_and_liaison()
        self.accounts()
        self.archetypes()
        self.sessions()
        self.activities()
        self.communications()
        self.liaison_communications()
        self.opinions()
        self.proposals()
        self.reports()
        fill_name_initials()  # search by 拼音首字母 on the demo deputies
        bump_data_version()  # bulk writes send no signals: the dashboard recomputes
        return self.counts

    # --- reference data, term, groups, deputies ------------------------------------------

    def reference_data(self):
        self.delegations = []
        for order, (name, kind, _n, _g) in enumerate(DELEGATIONS, start=1):
            obj, _created = Delegation.objects.update_or_create(
                name=name, defaults={"kind": kind, "order": order}
            )
            self.delegations.append(obj)
        self.committees = [Organiser.objects.get_or_create(name=name)[0] for name in COMMITTEES]
        self.town_organisers = [
            Organiser.objects.update_or_create(
                name=organiser_name(d.name, d.kind), defaults={"delegation": d}
            )[0]
            for d in self.delegations
        ]
        self.units = {
            name: HandlingUnit.objects.get_or_create(name=name)[0] for name in HANDLING_UNITS
        }
        self.term = Term.objects.create(name=TERM_NAME, start_date=TERM_START, end_date=TERM_END)
        self.progress(_("代表团、组织单位、承办单位、届次"), len(self.delegations))

    def people(self):
        rng = self.rng("people")
        groups = []
        for d_index, (dname, _k, _n, n_groups) in enumerate(DELEGATIONS):
            for g in range(1, n_groups * self.scale + 1):
                groups.append(
                    DeputyGroup(
                        term=self.term,
                        delegation=self.delegations[d_index],
                        name=f"{dname}第{cn_number(g)}代表小组",
                    )
                )
        DeputyGroup.objects.bulk_create(groups, batch_size=BATCH)
        self.groups = groups
        groups_of = {}
        for g_index, g in enumerate(groups):
            groups_of.setdefault(g.delegation_id, []).append(g_index)

        used_names, used_mobiles = set(), set()
        self.infos: list[Info] = []
        deputies = []
        seq = 0
        for d_index, (dname, _k, n_deputies, _g) in enumerate(DELEGATIONS):
            delegation = self.delegations[d_index]
            own_groups = groups_of[delegation.pk]
            total = n_deputies * self.scale
            for i in range(total):
                seq += 1
                gender = Deputy.Gender.FEMALE if rng.random() < 0.36 else Deputy.Gender.MALE
                name = self._name(rng, gender, used_names)
                mobile = self._mobile(rng, used_mobiles)
                # Members are dealt to groups in turn, so groups are of even size.
                g_index = own_groups[i % len(own_groups)]
                deputy = Deputy(
                    term=self.term,
                    code=f"JD7{seq:05d}",
                    name=name,
                    delegation=delegation,
                    group=groups[g_index],
                    gender=gender,
                    birth_date=date(
                        rng.randint(1962, 1993), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    ethnicity="汉族" if rng.random() < 0.95 else rng.choice(ETHNIC_MINORITIES),
                    political_affiliation=weighted(rng, PARTIES),
                    workplace_title=rng.choice(WORKPLACES).format(
                        d=dname, v=rng.choice(PLACE_WORDS)
                    ),
                    constituency=f"{dname}第{rng.randint(1, max(3, total // 3))}选区",
                    mobile=mobile,
                )
                deputies.append(deputy)
                self.infos.append(Info(len(self.infos), deputy, d_index, g_index))
        self.deputies = deputies
        self.progress(_("代表小组"), len(groups))

    def _name(self, rng, gender, used):
        pool = GIVEN_FEMALE if gender == Deputy.Gender.FEMALE else GIVEN_MALE
        for _attempt in range(8):
            given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2, 2))))
            name = rng.choice(SURNAMES) + given
            if name not in used:
                break
        used.add(name)
        return name

    def _mobile(self, rng, used):
        while True:
            prefix = rng.choice(
                ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                 "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183",
                 "186", "187", "188", "189")
            )  # fmt: skip
            mobile = prefix + f"{rng.randrange(10**8):08d}"
            if mobile not in used:
                used.add(mobile)
                return mobile

    def service(self):
        """Service periods; terminations with by-elected successors; suspensions."""
        rng = self.rng("service")
        n = len(self.infos)
        # The by-elected deputies are the last few of some delegations' lists (their codes
        # come after those elected at the start, as on a real roster); each succeeds a
        # deputy of the same delegation whose office ended.
        by_elected = set()
        terminated = {}
        n_replace = 4 * self.scale
        candidates = list(range(n))
        rng.shuffle(candidates)
        last_of = {}
        for info in self.infos:
            last_of.setdefault(info.delegation, []).append(info.index)
        slots = []
        for d_index in sorted(last_of):
            members = last_of[d_index]
            per = max(1, len(members) // 30)
            slots += [(d_index, members[-1 - k]) for k in range(per)]
        rng.shuffle(slots)
        leave_dates = (date(2023, 6, 30), date(2023, 11, 15), date(2024, 3, 31), date(2024, 8, 31),
                       date(2025, 4, 30))  # fmt: skip
        reasons = (Termination.Reason.MOVED, Termination.Reason.RESIGNED, Termination.Reason.MOVED,
                   Termination.Reason.OTHER)  # fmt: skip
        successors = {successor for _d, successor in slots[:n_replace]}
        for k, (d_index, successor) in enumerate(slots[:n_replace]):
            pool = [i for i in last_of[d_index] if i not in terminated and i not in successors]
            leaver = rng.choice(pool)
            left = leave_dates[k % len(leave_dates)]
            terminated[leaver] = (left, reasons[k % len(reasons)])
            by_elected.add(successor)
            self.infos[successor].by_election = left + timedelta(days=rng.randint(60, 150))
        # One more leaves without a successor (deceased), late in the term.
        extra = [i for i in candidates if i not in terminated and i not in by_elected][: self.scale]
        for i in extra:
            terminated[i] = (date(2025, 9, 12), Termination.Reason.DECEASED)

        free = [i for i in candidates if i not in terminated and i not in by_elected]
        suspended = {}
        for k, i in enumerate(free[len(extra) : len(extra) + 3 * self.scale]):
            if k % 3 == 2:  # still suspended
                suspended[i] = (date(2025, 5, 12), None)
            elif k % 3 == 1:
                suspended[i] = (date(2024, 4, 1), date(2024, 10, 31))
            else:
                suspended[i] = (date(2023, 3, 1), date(2023, 8, 31))

        Deputy.objects.bulk_create(self.deputies, batch_size=BATCH)
        periods, terminations, suspensions = [], [], []
        for info in self.infos:
            start = info.by_election or TERM_START
            end = None
            note = _("补选") if info.index in by_elected else ""
            if info.index in terminated:
                end, reason = terminated[info.index]
                terminations.append(
                    Termination(deputy=info.deputy, date=end, reason=reason, note="")
                )
            periods.append(
                ServicePeriod(deputy=info.deputy, start_date=start, end_date=end, note=note)
            )
            spans = [(start, end or TERM_END)]
            if info.index in suspended:
                s, e = suspended[info.index]
                suspensions.append(
                    Suspension(
                        deputy=info.deputy,
                        start_date=s,
                        end_date=e,
                        reason=_("因涉嫌违法接受调查") if e is None else _("因刑事案件被羁押"),
                    )
                )
                spans = [(start, s - timedelta(days=1))]
                if e is not None:
                    spans.append((e + timedelta(days=1), end or TERM_END))
            info.intervals = spans
            info.regular = not (
                info.index in terminated or info.index in by_elected or info.index in suspended
            )
        ServicePeriod.objects.bulk_create(periods, batch_size=BATCH)
        Termination.objects.bulk_create(terminations, batch_size=BATCH)
        Suspension.objects.bulk_create(suspensions, batch_size=BATCH)

        # Group leaders: one regular member of each group.
        members = {}
        for info in self.infos:
            if info.regular:
                members.setdefault(info.group, []).append(info)
        for g_index, group in enumerate(self.groups):
            group.leader = rng.choice(members[g_index]).deputy
        DeputyGroup.objects.bulk_update(self.groups, ["leader"], batch_size=BATCH)
        self.leaders = {g.leader_id for g in self.groups}
        self.progress(_("代表"), len(self.deputies))
        self.progress(_("终止代表资格"), len(terminations))
        self.progress(_("暂停执行代表职务"), len(suspensions))

    def constituents_and_liaison(self):
        rng = self.rng("constituents")

        def keep_pks(rows):
            for obj in rows:
                obj._info.constituents.append(obj.pk)

        writer = Writer(Constituent, after=keep_pks)
        for info in self.infos:
            for _k in range(rng.randint(5, 8)):
                surname = rng.choice(SURNAMES)
                pool = GIVEN_FEMALE if rng.random() < 0.5 else GIVEN_MALE
                name = surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2))))
                phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                obj = Constituent(
                    deputy=info.deputy,
                    name=name,
                    phone=phone,
                    address=f"{DELEGATIONS[info.delegation][0]}{rng.choice(PLACE_WORDS)}"
                    f"{rng.choice(('村', '居民区', '小区'))}{rng.randint(1, 120)}号",
                )
                obj._info = info
                writer.add(obj)
        writer.flush()
        self.progress(_("选民"), writer.count)

        # Standing-committee members and the deputies each liaises with (3 to 6, same term,
        # each deputy with at most one member).
        rng = self.rng("liaison")
        regular = [i for i in self.infos if i.regular]
        rng.shuffle(regular)
        members = regular[: 30 * self.scale]
        others = regular[30 * self.scale :]
        for info in members:
            info.sc_member = True
            info.deputy.is_sc_member = True
        Deputy.objects.bulk_update([i.deputy for i in members], ["is_sc_member"], batch_size=BATCH)
        self.assigned = {}
        rows = []
        cursor = 0
        for info in members:
            k = weighted(rng, ((3, 2), (4, 4), (5, 3), (6, 1)))
            chosen = others[cursor : cursor + k]
            cursor += k
            self.assigned[info.index] = [c.index for c in chosen]
            rows += [LiaisonAssignment(member=info.deputy, deputy=c.deputy) for c in chosen]
        LiaisonAssignment.objects.bulk_create(rows, batch_size=BATCH)
        self.sc_members = members
        self.progress(_("常委会组成人员联系代表"), len(rows))

    def accounts(self):
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # hashed once: the same password for all
        town = self.delegations[[d[0] for d in DELEGATIONS].index(DEMO_TOWN)]
        committee = next(o for o in self.committees if o.name == DEMO_COMMITTEE)
        town_groups = [g for g in self.groups if g.delegation_id == town.pk]
        leader_group = town_groups[0]
        leader_deputy = leader_group.leader
        # The demo deputy: an ordinary 南翔镇 deputy (the town staff's and the head's
        # delegation) in the demo leader's group, not on the SC, so every workflow can be
        # walked with the demo accounts: 填报 → 组长审核 → 通知, leave → head → secretary.
        deputy_info = next(
            i
            for i in self.infos
            if self.delegations[i.delegation].pk == town.pk
            and i.regular
            and not i.sc_member
            and i.deputy.pk not in self.leaders
            and self.groups[i.group].pk == leader_group.pk
        )
        self.demo_deputy = deputy_info
        self.users = {}
        for username, role in ACCOUNTS:
            superuser = role == Role.OFFICE_STAFF
            user = User.objects.create(
                username=username,
                password=password,
                is_staff=superuser,
                is_superuser=superuser,
                first_name=STAFF_NAMES.get(username, ""),
            )
            self.users[username] = user
            scope = {}
            if role == Role.COMMITTEE_STAFF:
                scope = {"organiser": committee}
            elif role in (Role.TOWN_STAFF, Role.DELEGATION_HEAD):
                scope = {"delegation": town}
            elif role == Role.GROUP_LEADER:
                scope = {"group": leader_group}
            if role != Role.DEPUTY:
                RoleAssignment.objects.create(user=user, role=role, **scope)
        Deputy.objects.filter(pk=leader_deputy.pk).update(user=self.users["leader"])
        Deputy.objects.filter(pk=deputy_info.deputy.pk).update(user=self.users["deputy"])
        self.progress(_("演示账号"), len(ACCOUNTS))

    # --- archetypes ------------------------------------------------------------------------

    def archetypes(self):
        """Who falls short of what, decided up front.

        Year rules: for each year, a share of a "weak pool" (about a quarter of the regular
        deputies) falls short of each rule, plus the odd one elsewhere. Term rules: a few
        deputies never reach the term quota. The demo deputy is weak in 2025 and 2026 so
        the deputy's own pages show a shortfall.
        """
        rng = self.rng("archetypes")
        regular = [i.index for i in self.infos if i.regular]
        pool = [i for i in regular if i not in {self.demo_deputy.index}]
        rng.shuffle(pool)
        weak = pool[: len(pool) // 4]
        strong = pool[len(pool) // 4 :]
        self.short = {}  # (rule, year) -> set of deputy indexes
        share = {
            "ART7": 0.06,
            "ART8": 0.25,
            "ART11": 0.25,
            "ART13": 0.2,
            "ART14": 0.25,
            "ART15": 0.3,
            "ART16": 0.25,
        }
        for year in YEARS:
            for rule, part in share.items():
                chosen = set(rng.sample(weak, max(1, round(len(weak) * part))))
                chosen |= set(rng.sample(strong, max(1, len(strong) // 100)))
                if year >= 2025 and rule in ("ART13", "ART15"):
                    chosen.add(self.demo_deputy.index)
                self.short[(rule, year)] = chosen
            # Nothing of ART11 and ART14 at all (an Art. 29 reason) for a few.
            none = set(rng.sample(weak, max(1, len(weak) // 25)))
            self.short[("NONE11_14", year)] = none
            self.short[("ART11", year)] |= none
            self.short[("ART14", year)] |= none
        # SC members contacting only 2 deputies twice, per year.
        members = [m.index for m in self.sc_members]
        for year in YEARS:
            self.short[("ART15_SC", year)] = set(rng.sample(members, max(1, len(members) // 6)))
        # Term rules.
        term_pool = list(weak)
        rng.shuffle(term_pool)
        k = max(2, len(weak) // 6)
        self.short_term = {
            "ART12_SC": set(term_pool[:k]),
            "ART12_GOV": set(term_pool[k : 2 * k]),
            "ART18": set(term_pool[2 * k : 3 * k]),
            "ART18_WITHDRAWN": set(term_pool[3 * k : 3 * k + max(1, self.scale)]),
            "ART26": set(term_pool[3 * k + self.scale : 4 * k + self.scale]),
        }

    def is_short(self, rule: str, year: int, info: Info) -> bool:
        return info.index in self.short.get((rule, year), ())

    # --- sessions ------------------------------------------------------------------------

    def sessions(self):
        rng = self.rng("sessions")
        attendance = Writer(Attendance, log=self.partial)
        leave_writer = Writer(LeaveRequest)
        speech = Writer(Speech)
        secretary, head = self.users["secretary"], self.users["head"]
        head_delegation = [d[0] for d in DELEGATIONS].index(DEMO_TOWN)
        self.session_dates = {}
        by_delegation = {}
        for info in self.infos:
            by_delegation.setdefault(info.delegation, []).append(info)
        n_sessions = n_meetings = 0
        leave_meetings = []
        for number, year in enumerate(YEARS, start=1):
            start = SESSION_STARTS[year]
            prefix = f"七届人大{cn_number(number)}次会议"
            session = Session.objects.create(
                term=self.term, name=prefix, start_date=start, end_date=start + timedelta(days=3)
            )
            n_sessions += 1
            self.session_dates[year] = start
            meetings = [
                Meeting(term=self.term, session=session, name=f"{prefix}预备会议",
                        kind=Meeting.Kind.PREPARATORY, date=start),
                Meeting(term=self.term, session=session, name=f"{prefix}第一次全体会议",
                        kind=Meeting.Kind.PLENARY, date=start),
                Meeting(term=self.term, session=session, name=f"{prefix}第二次全体会议",
                        kind=Meeting.Kind.PLENARY, date=start + timedelta(days=3)),
            ]  # fmt: skip
            for delegation in self.delegations:
                for k in (1, 2):
                    meetings.append(
                        Meeting(
                            term=self.term,
                            session=session,
                            name=f"{prefix}{delegation.name}代表团第{cn_number(k)}次会议",
                            kind=Meeting.Kind.DELEGATION,
                            date=start + timedelta(days=k),
                            delegation=delegation,
                        )
                    )
            Meeting.objects.bulk_create(meetings)
            n_meetings += len(meetings)
            plenary = meetings[:3]
            of_delegation = {}
            for m in meetings[3:]:
                of_delegation.setdefault(m.delegation_id, []).append(m)
            for d_index, delegation in enumerate(self.delegations):
                roll_meetings = sorted(
                    plenary + of_delegation[delegation.pk],
                    key=lambda m: (m.date, m.kind != "preparatory"),
                )
                for info in by_delegation[d_index]:
                    roll = [m for m in roll_meetings if info.active_on(m.date)]
                    if not roll:
                        continue
                    statuses = {m.pk: AttendanceStatus.PRESENT for m in roll}
                    if rng.random() < 0.05:  # on leave for part or all of the session
                        reason = weighted(rng, ((Attendance.LeaveReason.ABROAD, 2),
                                                (Attendance.LeaveReason.IMPORTANT, 3),
                                                (Attendance.LeaveReason.ILLNESS, 3)))  # fmt: skip
                        first = rng.randrange(len(roll))
                        for m in roll[first : first + rng.randint(1, len(roll))]:
                            statuses[m.pk] = reason
                    if self.is_short("ART7", year, info):
                        free = [m for m in roll if statuses[m.pk] == AttendanceStatus.PRESENT]
                        if free:
                            statuses[rng.choice(free).pk] = AttendanceStatus.ABSENT
                    for m in roll:
                        status = statuses[m.pk]
                        if status in Attendance.LeaveReason.values:
                            attendance.add(Attendance(meeting_id=m.pk, deputy_id=info.deputy.pk,
                                                      status=AttendanceStatus.LEAVE,
                                                      leave_reason=status))  # fmt: skip
                            by_head = head if d_index == head_delegation else None
                            decided = m.date - timedelta(days=2)
                            leave_writer.add(
                                LeaveRequest(
                                    meeting=m,
                                    deputy=info.deputy,
                                    reason=status,
                                    explanation=LEAVE_EXPLANATIONS[status],
                                    status=LeaveRequest.Status.APPROVED,
                                    head_approved=True,
                                    head_by=by_head,
                                    head_at=at(decided, 10),
                                    sg_approved=True,
                                    sg_by=secretary,
                                    sg_at=at(decided, 16),
                                    filed_at=at(decided + timedelta(days=1), 9),
                                )
                            )
                            leave_meetings.append(m)
                        else:
                            attendance.add(
                                Attendance(meeting_id=m.pk, deputy_id=info.deputy.pk, status=status)
                            )
                    # Speeches at delegation meetings attended.
                    spoken = [
                        m for m in roll
                        if m.kind == Meeting.Kind.DELEGATION
                        and statuses[m.pk] == AttendanceStatus.PRESENT
                    ]  # fmt: skip
                    if spoken and not self.is_short("ART8", year, info):
                        topics = rng.sample(SPEECH_TOPICS, 2)
                        n_speak = min(len(spoken), rng.choice((1, 1, 2)))
                        for j, m in enumerate(rng.sample(spoken, n_speak)):
                            speech.add(Speech(deputy=info.deputy, date=m.date, meeting=m,
                                              meeting_name=m.name, topic=topics[j]))  # fmt: skip
        attendance.flush()
        leave_writer.flush()
        speech.flush()
        # requested_at is auto_now_add: set it to a fixed time, three days before the meeting.
        for m in sorted({m.pk: m for m in leave_meetings}.values(), key=lambda m: m.pk):
            LeaveRequest.objects.filter(meeting=m).update(
                requested_at=at(m.date - timedelta(days=3), 9, 30)
            )
        # An upcoming session, nothing recorded yet: a deputy asks for leave ahead of a meeting,
        # so leave → head → secretary can be walked with the demo accounts.
        day = upcoming_day(timezone.localdate())
        upcoming = Session.objects.create(
            term=self.term, name=UPCOMING_SESSION, start_date=day, end_date=day
        )
        Meeting.objects.create(term=self.term, session=upcoming, name=f"{UPCOMING_SESSION}全体会议",
                               kind=Meeting.Kind.PLENARY, date=day)  # fmt: skip
        n_sessions, n_meetings = n_sessions + 1, n_meetings + 1
        self.progress(_("大会"), n_sessions)
        self.progress(_("大会会议"), n_meetings)
        self.progress(_("出席情况"), attendance.count)
        self.progress(_("请假申请"), leave_writer.count)
        self.progress(_("大会发言"), speech.count)

    # --- activities ----------------------------------------------------------------------

    def activities(self):
        rng = self.rng("activities")
        A = ActivityType
        per_year = (
            (A.RESEARCH, 6),
            (A.INSPECTION, 5),
            (A.LAW_ENFORCEMENT, 3),
            (A.SC_MEETING, 6),
            (A.FORUM, 2),
            (A.GOVERNMENT, 5),
            (A.TRAINING, 3),
            (A.PROPOSAL_FOLLOWUP, 4),
            (A.OTHER, 3),
        )
        delegation_index = {d.pk: i for i, d in enumerate(self.delegations)}
        events = {}  # (type, year) -> [Activity]; group events under ("group"/"reception", year, g)
        rows = []
        sc_number = 0
        for year in YEARS:
            lo, hi = year_window(year)
            span = (hi - lo).days + 1
            for type_, n in per_year:
                dates = sorted(
                    lo + timedelta(days=rng.randrange(span)) for _ in range(n * self.scale)
                )
                for k, d in enumerate(dates, start=1):
                    topic = rng.choice(ACTIVITY_TOPICS[type_])
                    label = A(type_).label
                    if type_ == A.SC_MEETING:
                        sc_number += 1
                        name = topic.format(n=sc_number)
                        organiser = self.committees[0]
                        place = "区人大常委会会议室"
                    elif type_ in (A.FORUM, A.TRAINING):
                        name = f"{year}年{topic}（第{cn_number(k)}场）"
                        organiser = self.committees[0]
                        place = "区人大代表活动中心"
                    elif type_ == A.OTHER:
                        name = f"{year}年{topic}（第{cn_number(k)}场）"
                        organiser = self.town_organisers[k % len(self.town_organisers)]
                        place = f"{organiser.delegation.name}人大代表之家"
                    else:
                        name = f"{year}年{label}：{topic}（第{cn_number(k)}场）"
                        organiser = self.committees[(k + year) % len(self.committees)]
                        place = f"{rng.choice(DELEGATIONS)[0]}{rng.choice(PLACE_WORDS)}"
                    act = Activity(term=self.term, name=name, type=type_, date=d,
                                   organiser=organiser, place=place, topic=topic)  # fmt: skip
                    rows.append(act)
                    events.setdefault((type_, year), []).append(act)
            for g_index, group in enumerate(self.groups):
                d_index = delegation_index[group.delegation_id]
                organiser = self.town_organisers[d_index]
                dname = DELEGATIONS[d_index][0]
                for kind in (A.GROUP, A.RECEPTION):
                    dates = sorted(lo + timedelta(days=rng.randrange(span)) for _ in range(4))
                    for k, d in enumerate(dates, start=1):
                        if kind == A.GROUP:
                            topic = rng.choice(ACTIVITY_TOPICS[A.RESEARCH] + ("集中联系社区",))
                            name = f"{group.name}{year}年第{cn_number(k)}次活动：{topic}"
                            place = f"{dname}{rng.choice(PLACE_WORDS)}"
                        else:
                            topic = _("接待人民群众")
                            place = rng.choice(
                                (
                                    f"{dname}人大代表之家",
                                    f"{dname}{rng.choice(PLACE_WORDS)}代表联络站",
                                )
                            )
                            name = f"{group.name}{year}年第{cn_number(k)}次家站点接待"
                        act = Activity(term=self.term, name=name, type=kind, date=d,
                                       organiser=organiser, place=place, topic=topic,
                                       group=group if kind == A.GROUP else None)  # fmt: skip
                        rows.append(act)
                        events.setdefault((kind, year, g_index), []).append(act)
        Activity.objects.bulk_create(rows, batch_size=BATCH)
        self.progress(_("履职活动"), len(rows))
        # Keep only (pk, date) of each activity: at --scale 67 there are some 175,000.
        events = {key: [(a.pk, a.date) for a in acts] for key, acts in events.items()}
        del rows

        writer = Writer(Participation, log=self.partial)
        issues = ("小区停车难", "垃圾分类投放点设置", "老年助餐服务", "道路破损", "噪声扰民",
                  "公交站点设置", "河道保洁", "学区划分")  # fmt: skip

        def attend(info, acts, k, missed=0.0, reception=False):
            """Attend k of acts; each activity passed over gets a 请假/缺席 row with
            probability `missed` (long lists: only one is considered, to stay linear)."""
            if not info.regular:
                acts = [a for a in acts if info.active_on(a[1])]
            n = len(acts)
            k = min(k, n)
            extra = n - k if n <= 12 else min(1, n - k)
            picks = rng.sample(range(n), k + extra)
            deputy_id = info.deputy.pk
            for i in sorted(picks[:k]):
                p = Participation(activity_id=acts[i][0], deputy_id=deputy_id)
                if reception:
                    if rng.random() < 0.2:
                        p.no_visitors = True
                    else:
                        p.reception_notes = RECEPTION_TEXT % {
                            "n": rng.randint(1, 6),
                            "issue": rng.choice(issues),
                        }
                writer.add(p)
            for i in sorted(picks[k:]):
                if rng.random() < missed:
                    status = (
                        AttendanceStatus.LEAVE if rng.random() < 0.7 else AttendanceStatus.ABSENT
                    )
                    writer.add(
                        Participation(activity_id=acts[i][0], deputy_id=deputy_id, status=status)
                    )

        sc_acts = {
            year: events[(A.RESEARCH, year)]
            + events[(A.INSPECTION, year)]
            + events[(A.LAW_ENFORCEMENT, year)]
            for year in YEARS
        }
        term_acts = {
            rule: [a for year in YEARS for t in types for a in events[(t, year)]]
            for rule, types in (
                ("ART12_SC", (A.SC_MEETING, A.FORUM)),
                ("ART12_GOV", (A.GOVERNMENT,)),
            )
        }
        for info in self.infos:
            for year in YEARS:
                if not info.active_days(*year_window(year)):
                    continue
                if self.is_short("NONE11_14", year, info):
                    k11, k14 = 0, 0
                else:
                    k11 = rng.choice((0, 1, 1)) if self.is_short("ART11", year, info) else (
                        weighted(rng, ((2, 4), (3, 4), (4, 2))))  # fmt: skip
                    k14 = 1 if self.is_short("ART14", year, info) else rng.choice((2, 3, 3, 4))
                attend(info, sc_acts[year], k11, missed=0.15)
                attend(info, events[(A.GROUP, year, info.group)], k14, missed=0.35)
                k13 = 0 if self.is_short("ART13", year, info) else rng.choice((1, 1, 2))
                attend(info, events[(A.TRAINING, year)], k13, missed=0.1)
                k16 = 1 if self.is_short("ART16", year, info) else rng.choice((2, 2, 3))
                attend(info, events[(A.RECEPTION, year, info.group)], k16, reception=True)
                if rng.random() < 0.15:
                    attend(info, events[(A.PROPOSAL_FOLLOWUP, year)], 1)
                if rng.random() < 0.2:
                    attend(info, events[(A.OTHER, year)], 1)
            # Term rules: spread over the years in office.
            for rule, acts in term_acts.items():
                if info.index in self.short_term[rule]:
                    k = rng.choice((0, 1))
                else:
                    k = weighted(rng, ((2, 5), (3, 3), (4, 2)))
                attend(info, acts, k, missed=0.1)
        writer.flush()
        self.progress(_("活动参加情况"), writer.count)

    # --- communications ------------------------------------------------------------------

    def communications(self):
        rng = self.rng("communications")
        through = Communication.constituents.through

        def link(rows):
            through.objects.bulk_create(
                [
                    through(communication_id=c.pk, constituent_id=cid)
                    for c in rows
                    for cid in c._demo
                ],
                batch_size=BATCH,
            )

        writer = Writer(Communication, after=link, log=self.partial)
        links = 0
        for info in self.infos:
            for year in YEARS:
                lo, hi = year_window(year)
                if not info.active_days(lo, hi):
                    continue
                cons = list(info.constituents)
                rng.shuffle(cons)
                if self.is_short("ART15", year, info):
                    reached = rng.choice((4, 4, 3))
                    counts = {c: 2 for c in cons[:reached]}
                else:
                    reached = min(len(cons), rng.choice((5, 5, 6, 7)))
                    counts = {c: rng.choice((2, 2, 3)) for c in cons[:reached]}
                for c in cons[reached:]:
                    counts[c] = rng.choice((0, 1))
                used = set()
                while True:
                    avail = [c for c in cons if counts.get(c)]
                    if not avail:
                        break
                    rng.shuffle(avail)
                    avail.sort(key=lambda c: -counts[c])
                    chosen = avail[: min(len(avail), weighted(rng, ((1, 55), (2, 30), (3, 15))))]
                    for _attempt in range(20):
                        d = info.random_date(rng, lo, hi)
                        method = weighted(rng, METHODS)
                        if (d, method) not in used:
                            break
                    else:
                        break  # no free day left in a very short time in office
                    used.add((d, method))
                    for c in chosen:
                        counts[c] -= 1
                    topic = rng.choice(TOPICS)[0]
                    comm = Communication(
                        deputy_id=info.deputy.pk,
                        date=d,
                        method=method,
                        content=COMMUNICATION_TEXT % {"how": METHOD_LABELS[method], "topic": topic},
                    )
                    comm._demo = sorted(chosen)
                    links += len(chosen)
                    writer.add(comm)
        writer.flush()
        self.progress(_("联系选民"), writer.count)
        self.progress(_("联系选民（选民人次）"), links)

    def liaison_communications(self):
        rng = self.rng("liaison_communications")
        writer = Writer(LiaisonCommunication, log=self.partial)
        by_index = self.infos
        for member in self.sc_members:
            assigned = self.assigned[member.index]
            for year in YEARS:
                lo, hi = year_window(year)
                if self.is_short("ART15_SC", year, member):
                    times = [2 if k < 2 else 1 for k in range(len(assigned))]
                else:
                    times = [rng.choice((2, 2, 3)) for _k in assigned]
                used = set()
                for deputy_index, n in zip(assigned, times, strict=True):
                    for _k in range(n):
                        while True:
                            d = member.random_date(rng, lo, hi)
                            method = weighted(rng, METHODS)
                            if (deputy_index, d, method) not in used:
                                break
                        used.add((deputy_index, d, method))
                        writer.add(
                            LiaisonCommunication(
                                member_id=member.deputy.pk,
                                deputy_id=by_index[deputy_index].deputy.pk,
                                date=d,
                                method=method,
                                content=LIAISON_TEXT % {"topic": rng.choice(TOPICS)[0]},
                            )
                        )
        writer.flush()
        self.progress(_("联系代表"), writer.count)

    def opinions(self):
        rng = self.rng("opinions")
        writer = Writer(PublicOpinion)
        ticket = 0
        S = PublicOpinion.HotlineStatus
        status_by_year = {
            2022: ((S.CLOSED, 9), (S.REPLIED, 1)),
            2023: ((S.CLOSED, 8), (S.REPLIED, 2)),
            2024: ((S.CLOSED, 6), (S.REPLIED, 4)),
            2025: ((S.CLOSED, 4), (S.REPLIED, 4), (S.HANDLING, 2)),
            2026: ((S.REFERRED, 3), (S.HANDLING, 4), (S.REPLIED, 3)),
        }
        for info in self.infos:
            for year in YEARS:
                lo, hi = year_window(year)
                if not info.active_days(lo, hi) or rng.random() < 0.5:
                    continue
                for _k in range(rng.choice((1, 1, 1, 2))):
                    d = info.random_date(rng, lo, hi)
                    topic = rng.choice(TOPICS)[0]
                    op = PublicOpinion(
                        deputy=info.deputy,
                        date=d,
                        title=OPINION_TITLE % {"topic": topic},
                        content=OPINION_TEXT % {"topic": topic},
                    )
                    if rng.random() < 0.35:
                        ticket += 1
                        op.hotline_ticket = f"{d:%Y%m%d}{ticket:06d}"
                        op.hotline_status = weighted(rng, status_by_year[year])
                        if op.hotline_status in (S.REPLIED, S.CLOSED):
                            op.hotline_outcome = OPINION_OUTCOME
                    writer.add(op)
        writer.flush()
        self.progress(_("社情民意"), writer.count)

    # --- proposals -----------------------------------------------------------------------

    def proposals(self):
        rng = self.rng("proposals")
        P = Proposal.Status
        status_by_year = {
            2022: ((P.CLOSED, 85), (P.REPLIED, 15)),
            2023: ((P.CLOSED, 80), (P.REPLIED, 20)),
            2024: ((P.CLOSED, 60), (P.REPLIED, 40)),
            2025: ((P.CLOSED, 30), (P.REPLIED, 50), (P.HANDLING, 20)),
            2026: ((P.SUBMITTED, 10), (P.REGISTERED, 15), (P.ASSIGNED, 25), (P.HANDLING, 40),
                   (P.REPLIED, 10)),
        }  # fmt: skip
        excluded = self.short_term["ART18"] | self.short_term["ART18_WITHDRAWN"]
        items = []  # [Proposal, [cosigner indexes], [unit names]]

        def new(year, kind, number, lead, title_topic, status):
            submitted = self.session_dates[year] + timedelta(days=1)
            title = _("关于%(topic)s的%(kind)s") % {
                "topic": title_topic,
                "kind": Proposal.Kind(kind).label,
            }
            p = Proposal(term=self.term, number=number, kind=kind, title=title,
                         submitted_date=submitted, lead=lead.deputy, status=status)  # fmt: skip
            item = [p, [], [], lead.index, year]
            items.append(item)
            return item

        for year in YEARS:
            submitted = self.session_dates[year] + timedelta(days=1)
            pool = [i for i in self.infos if i.active_on(submitted) and i.index not in excluded]
            by_delegation = {}
            for info in pool:
                by_delegation.setdefault(info.delegation, []).append(info)
            n_motion = n_suggestion = 0
            leads = [("motion", rng.choice(pool)) for _k in range(3 * self.scale)]
            for info in pool:
                if rng.random() < (0.2 if info.index in self.short_term["ART26"] else 0.35):
                    leads.append(("suggestion", info))
            for kind, lead in leads:
                topic, unit = rng.choice(TOPICS)
                if rng.random() < 0.4:
                    topic = DELEGATIONS[lead.delegation][0] + topic
                status = weighted(rng, status_by_year[year])
                if kind == "suggestion" and rng.random() < 0.02:
                    status = P.WITHDRAWN
                if kind == "motion":
                    n_motion += 1
                    number = f"Y{year}-{n_motion:03d}"
                else:
                    n_suggestion += 1
                    number = f"J{year}-{n_suggestion:04d}"
                item = new(year, kind, number, lead, topic, status)
                mates = [m for m in by_delegation[lead.delegation] if m.index != lead.index]
                n_co = weighted(rng, ((0, 20), (1, 20), (2, 20), (3, 15), (4, 15), (5, 10)))
                if kind == "motion":
                    mates = [m for m in pool if m.index != lead.index]
                    n_co = rng.randint(3, 5)
                item[1] = sorted(m.index for m in rng.sample(mates, min(n_co, len(mates))))
                if status not in (P.SUBMITTED, P.REGISTERED, P.WITHDRAWN):
                    item[2] = [unit]
                    if rng.random() < 0.3:
                        other = rng.choice(HANDLING_UNITS)
                        if other != unit:
                            item[2].append(other)
            if year == 2023:
                for index in sorted(self.short_term["ART18_WITHDRAWN"]):
                    info = self.infos[index]
                    n_suggestion += 1
                    new(year, "suggestion", f"J{year}-{n_suggestion:04d}", info,
                        rng.choice(TOPICS)[0], P.WITHDRAWN)  # fmt: skip

        # Everyone not meant to fall short reaches two in the term: co-sign where needed.
        counted = {}
        for p, cos, _u, lead, _y in items:
            if p.status != P.WITHDRAWN:
                for index in [lead, *cos]:
                    counted[index] = counted.get(index, 0) + 1
        open_items = {}  # delegation -> proposals its deputies may co-sign
        for item in items:
            if item[0].status != P.WITHDRAWN:
                open_items.setdefault(self.infos[item[3]].delegation, []).append(item)
        for info in self.infos:
            if info.index in excluded or counted.get(info.index, 0) >= 2:
                continue
            candidates = open_items.get(info.delegation, [])
            # Start at a random place so the extra co-signatures spread over the proposals.
            start = rng.randrange(len(candidates)) if candidates else 0
            for j in range(len(candidates)):
                p, cos, _u, lead, _y = candidates[(start + j) % len(candidates)]
                if (
                    len(cos) < 5
                    and lead != info.index
                    and info.index not in cos
                    and info.active_on(p.submitted_date)
                ):
                    cos.append(info.index)
                    counted[info.index] = counted.get(info.index, 0) + 1
                    if counted[info.index] >= 2:
                        break

        # Replies are set before the rows are written (an UPDATE of each would be slow).
        overall_of = {}
        for p, *_rest in items:
            if p.status in (P.REPLIED, P.CLOSED):
                p.reply_date = min(
                    p.submitted_date + timedelta(days=rng.randint(60, 150)), DATA_END
                )
                p.reply = _("经认真研究，已将代表建议纳入年度工作计划，并落实专项资金推进实施。")
                p.reopened = p.status == P.CLOSED and rng.random() < 0.03
                overall_of[id(p)] = weighted(rng, ((Satisfaction.SATISFIED, 75),
                                                   (Satisfaction.BASICALLY, 20),
                                                   (Satisfaction.UNSATISFIED, 5)))  # fmt: skip
        Proposal.objects.bulk_create([item[0] for item in items], batch_size=BATCH)
        cos_writer = Writer(Cosignature)
        unit_writer = Writer(Proposal.handling_units.through)
        eval_writer = Writer(ProposalEvaluation)
        for p, cos, units, _lead, _year in items:
            for index in cos:
                cos_writer.add(Cosignature(proposal_id=p.pk, deputy_id=self.infos[index].deputy.pk))
            for name in units:
                unit_writer.add(
                    Proposal.handling_units.through(
                        proposal_id=p.pk, handlingunit_id=self.units[name].pk
                    )
                )
            overall = overall_of.get(id(p))
            if overall:
                eval_writer.add(
                    ProposalEvaluation(
                        proposal_id=p.pk,
                        attitude=Satisfaction.SATISFIED if overall != Satisfaction.UNSATISFIED
                        else Satisfaction.BASICALLY,
                        result=overall,
                        overall=overall,
                        comment="" if overall == Satisfaction.SATISFIED
                        else _("希望承办单位进一步加快落实进度。"),
                    )
                )  # fmt: skip
        cos_writer.flush()
        unit_writer.flush()
        eval_writer.flush()
        # evaluated_at is auto_now: set a fixed time per session year.
        for year in YEARS:
            ProposalEvaluation.objects.filter(
                proposal__term=self.term, proposal__submitted_date__year=year
            ).update(evaluated_at=at(min(date(year, 11, 30), DATA_END), 10))
        self.items = items
        self.progress(_("议案建议"), len(items))
        self.progress(_("附议"), cos_writer.count)
        self.progress(_("办理评价"), eval_writer.count)

    # --- reports, interviews, awards -------------------------------------------------------

    def reports(self):
        rng = self.rng("reports")
        writer = Writer(ConstituencyReport)
        weights = {2022: 1, 2023: 3, 2024: 3, 2025: 3, 2026: 2}
        for info in self.infos:
            if info.index in self.short_term["ART26"]:
                continue
            years = [y for y in YEARS if info.active_days(*year_window(y))]
            if not years or (not info.regular and rng.random() < 0.3):
                continue
            chosen = rng.choices(years, weights=[weights[y] for y in years])
            if len(years) > 1 and rng.random() < 0.2:
                chosen.append(rng.choice([y for y in years if y != chosen[0]]))
            for year in sorted(chosen):
                form = (
                    ConstituencyReport.Form.ORAL
                    if rng.random() < 0.6
                    else ConstituencyReport.Form.WRITTEN
                )
                writer.add(
                    ConstituencyReport(
                        deputy=info.deputy,
                        date=info.random_date(rng, *year_window(year)),
                        form=form,
                        summary=_(
                            "报告行使代表权利、履行代表义务、联系人民群众和为群众办实事等情况。"
                        ),
                    )
                )
        writer.flush()
        self.progress(_("向选民述职"), writer.count)

        leader_group = self.users["leader"].deputies.first().led_groups.first()
        group_reports = []
        for year in (2022, 2023, 2024, 2025):
            for group in self.groups:
                if rng.random() < 0.1 and group.pk != leader_group.pk:
                    continue
                group_reports.append(
                    GroupAnnualReport(
                        group=group,
                        year=year,
                        submitted_date=date(year, 12, rng.randint(10, 31)),
                        content=_(
                            "本小组%(year)s年安排代表向原选区选民报告履职情况，并反馈年度履职情况。"
                        )
                        % {"year": year},
                        submitted_by=self.users["leader"] if group.pk == leader_group.pk else None,
                    )
                )
        GroupAnnualReport.objects.bulk_create(group_reports, batch_size=BATCH)
        self.progress(_("代表小组年度报告"), len(group_reports))

        interviews = []
        for year in (2023, 2024, 2025):
            absent = sorted(self.short[("ART7", year)])[: self.scale]
            for k, index in enumerate(absent):
                interviews.append(
                    Interview(
                        deputy=self.infos[index].deputy,
                        year=year,
                        kind=Interview.Kind.INTERVIEW if k % 2 == 0 else Interview.Kind.WARNING,
                        conducted_by=Interview.By.QUALIFICATION,
                        date=date(year + 1, 3, 15),
                        reasons=_("无故缺席区人民代表大会会议"),
                        follow_up=_("代表已作出说明，表示今后优先保证出席大会。"),
                        recorded_by=self.users["qualification"],
                    )
                )
        Interview.objects.bulk_create(interviews, batch_size=BATCH)
        self.progress(_("约谈告诫"), len(interviews))

        weak = set().union(*(v for v in self.short.values()))
        strong = [i for i in self.infos if i.regular and i.index not in weak]
        awards = []
        for year in (2022, 2023, 2024, 2025):
            for info in rng.sample(strong, min(len(strong), 5 * self.scale)):
                awards.append(Award(year=year, kind=Award.Kind.ACTIVE_DEPUTY, deputy=info.deputy,
                                    note=_("积极履职代表")))  # fmt: skip
            closed = [
                it[0]
                for it in self.items
                if it[4] == year and it[0].status == Proposal.Status.CLOSED
            ]
            for p in rng.sample(closed, min(len(closed), 3 * self.scale)):
                awards.append(Award(year=year, kind=Award.Kind.EXCELLENT_PROPOSAL, proposal=p,
                                    note=_("优秀代表建议")))  # fmt: skip
        Award.objects.bulk_create(awards, batch_size=BATCH)
        self.progress(_("评比表彰"), len(awards))
