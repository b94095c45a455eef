"""Part 1: terms, delegations, groups, deputies, service, constituents, accounts."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from deputies.demo.common import Info, Writer, cn_number, organiser_name, weighted
from deputies.demo.data import (
    ACCOUNTS,
    BATCH,
    COMMITTEES,
    DELEGATIONS,
    DEMO_COMMITTEE,
    DEMO_PASSWORD,
    DEMO_TOWN,
    ETHNIC_MINORITIES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    HANDLING_UNITS,
    PARTIES,
    PLACE_WORDS,
    STAFF_NAMES,
    SURNAMES,
    TERM_END,
    TERM_NAME,
    TERM_START,
    WORKPLACES,
    YEARS,
)
from deputies.models import (
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
from proposals.models import (
    HandlingUnit,
)


class PeoplePart:
    """DemoBuilder's methods for this part (self: the builder)."""

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
