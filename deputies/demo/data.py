"""The fixed data the demo draws from: the term, delegations, names, topics, accounts."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from activities.models import (
    ActivityType,
    Attendance,
    ContactMethod,
)
from deputies.models import (
    Delegation,
    Role,
)

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
