"""Part 3: activities and participation, communications, liaison, 社情民意."""

from datetime import timedelta

from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    Communication,
    LiaisonCommunication,
    Participation,
    PublicOpinion,
)
from deputies.demo.common import Writer, cn_number, weighted, year_window
from deputies.demo.data import (
    ACTIVITY_TOPICS,
    BATCH,
    COMMUNICATION_TEXT,
    DELEGATIONS,
    LIAISON_TEXT,
    METHOD_LABELS,
    METHODS,
    OPINION_OUTCOME,
    OPINION_TEXT,
    OPINION_TITLE,
    PLACE_WORDS,
    RECEPTION_TEXT,
    TOPICS,
    YEARS,
)


class ActivitiesPart:
    """DemoBuilder's methods for this part (self: the builder)."""

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
