"""Writing a validated plan: upserts keyed by identity keys, in bulk, in dependency order.

Runs inside the caller's transaction. Each record is compared with what the database holds,
so re-importing a workbook changes nothing and the counts say created/updated/unchanged.
A dry run (the browser preview) runs the same code and rolls back.
"""

from datetime import date

from django.apps import apps
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities.models import (
    Activity,
    Attendance,
    Communication,
    LiaisonCommunication,
    Meeting,
    Participation,
    Session,
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
from proposals.models import (
    Assignment,
    Cosignature,
    HandlingUnit,
    Proposal,
    ProposalEvaluation,
)
from proposals.services import default_due_date
from supervision.ledger import progress
from supervision.ledger import schema as S
from supervision.ledger.cells import code as norm_code
from supervision.ledger.issues import Issue
from supervision.ledger.validate import KEEP, PRESENT, Plan
from supervision.models import ConstituencyReport
from supervision.notifications import services as notifications


def _given(**values) -> dict:
    """The values a row gives: KEEP (a blank cell) leaves the stored value alone."""
    return {name: value for name, value in values.items() if value is not KEEP}


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
BATCH = 500
SAMPLE = 5  # the preview shows this many new and this many changed records per sheet

# The records each sheet's rows save, for the preview's sample (issue 13).
SHEET_MODELS = {
    S.TERMS: (Term,),
    S.ROSTER: (Deputy, ServicePeriod),
    S.SUSPENSIONS: (Suspension,),
    S.MEETINGS: (Meeting, Attendance),
    S.SPEECHES: (Speech,),
    S.ACTIVITIES: (Activity, Participation),
    S.VOTERS: (Constituent, Communication),
    S.LIAISON: (LiaisonCommunication,),
    S.PROPOSALS: (Proposal, Cosignature, Assignment, ProposalEvaluation),
    S.REPORTS: (ConstituencyReport,),
}


def _record_text(obj) -> str:
    try:
        return str(obj)
    except Exception:  # noqa: BLE001 - a record whose text needs a relation not saved yet
        return obj._meta.verbose_name


def _shown(model, name: str, value) -> str:
    """A stored value as the preview shows it: a choice's label, a related record's name."""
    if value is None or value == "":
        return "（空）"
    field = model._meta.get_field(name)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def combine(primary: str, *parents: str) -> str:
    """A row's status: new if its own record is new, else updated if anything it sets changed."""
    if primary == CREATED:
        return CREATED
    return UPDATED if UPDATED in (primary, *parents) else UNCHANGED


class Applier:
    def __init__(self, plan: Plan, result, user=None, closed=frozenset(), closed_reason=None):
        self.plan = plan
        self.result = result
        self.closed = frozenset(closed)  # closed years (supervision.closing.services)
        self.closed_reason = closed_reason  # an office-staff override's reason, or None
        reason = _("履职台账导入")
        if closed_reason:
            reason = _("履职台账导入（更正理由：%(reason)s）") % {"reason": closed_reason}
        self.history = {
            "default_user": user if getattr(user, "is_authenticated", False) else None,
            "default_change_reason": reason,
        }
        self.previous: dict = {}  # (model, key) -> {field: value before this import}
        # model -> {status: [(object, [changed field names])]}, the first SAMPLE of each
        self.touched: dict = {}

    def upsert(self, model, existing: dict, desired: dict, build, history=True) -> dict:
        """Create what is missing, update what differs; `existing` gains the new objects."""
        status, to_create, to_update, fields = {}, [], [], set()
        for key, values in desired.items():
            obj = existing.get(key)
            if obj is None:
                obj = existing[key] = build(key, values)
                to_create.append(obj)
                status[key] = CREATED
                self.touch(model, CREATED, obj, {})
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                self.previous[(model, key)] = {name: getattr(obj, name) for name in changed}
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                to_update.append(obj)
                fields.update(changed)
                self.touch(model, UPDATED, obj, self.previous[(model, key)])
            status[key] = UPDATED if changed else UNCHANGED
        if to_create:
            if history:
                bulk_create_with_history(to_create, model, batch_size=BATCH, **self.history)
            else:
                model.objects.bulk_create(to_create, batch_size=BATCH)
        if to_update:
            if history:
                bulk_update_with_history(
                    to_update, model, sorted(fields), batch_size=BATCH, **self.history
                )
            else:
                model.objects.bulk_update(to_update, sorted(fields), batch_size=BATCH)
        return status

    def touch(self, model, status, obj, old: dict) -> None:
        kept = self.touched.setdefault(model, {CREATED: [], UPDATED: []})[status]
        if len(kept) < SAMPLE:
            kept.append((obj, old))

    def samples(self) -> None:
        """Each sheet's sample for the preview, as text: (新增/更新, the record, [(field,
        old, new)]). Read after the writes, so new records show as saved."""
        labels = {CREATED: _("新增"), UPDATED: _("更新")}
        for sheet, stats in self.result.sheets.items():
            for model in SHEET_MODELS.get(sheet, ()):
                for status in (CREATED, UPDATED):
                    for obj, old in self.touched.get(model, {}).get(status, []):
                        if len(stats.samples) >= 2 * SAMPLE:
                            break
                        changes = [
                            (str(model._meta.get_field(name).verbose_name),
                             _shown(model, name, value), _shown(model, name, getattr(obj, name)))
                            for name, value in old.items()
                        ]  # fmt: skip
                        stats.samples.append((labels[status], _record_text(obj), changes))

    def count(self, sheet, statuses):
        stats = self.result.sheets.get(sheet)
        if stats is None:
            return
        for status in statuses:
            setattr(stats, status, getattr(stats, status) + 1)

    def keys(self, sheet):
        return self.plan.keys.get(sheet, [])

    # -- closed years ---------------------------------------------------------------------

    def closed_in(self, *days) -> list[int]:
        """The closed years among the days' years, or within a span given as (start, end);
        None as an end means still running."""
        years = set()
        for day in days:
            if isinstance(day, tuple):
                start, end = day
                last = end.year if end else 9999
                years.update(y for y in self.closed if start.year <= y <= last)
            elif day is not None:
                years.add(day.year)
        return sorted(years & self.closed)

    def guard(self, sheet, key, status, column, *days):
        """A row that would add or change a record of a closed year is an error."""
        if status == UNCHANGED or not self.closed or self.closed_reason:
            return
        years = self.closed_in(*days)
        if years:
            self.result.errors.append(
                Issue(
                    sheet,
                    self.plan.rows.get((sheet, key), 0),
                    column,
                    _("该年度（%(year)s）的记录已结账，本行不能导入；如需更正请联系人事代表工委")
                    % {"year": years[0]},
                )
            )

    def guard_period(self, sheet, model, key, db_key, status, start, end, column):
        """A service period or suspension: the years between its old and new end."""
        if status == CREATED:
            self.guard(sheet, key, status, column, (start, end))
        elif status == UPDATED and "end_date" in self.previous.get((model, db_key), {}):
            old = self.previous[(model, db_key)]["end_date"]
            ends = sorted([old, end], key=lambda d: d or date.max)
            self.guard(sheet, key, status, column, (ends[0], ends[1]))

    def guard_rows(self, sheet, statuses, column, day_of):
        statuses = list(statuses)
        for key, status in zip(self.keys(sheet), statuses, strict=True):
            self.guard(sheet, key, status, column, day_of(key))
        return statuses

    # -- the whole plan -------------------------------------------------------------------

    def apply(self):
        self.apply_terms()
        self.term = Term.objects.get(name=self.plan.term_name)
        steps = [self.apply_roster, self.apply_suspensions]
        if self.plan.meetings or self.plan.speeches:
            steps += [self.apply_meetings, self.apply_speeches]
        if self.plan.activities:
            steps.append(self.apply_activities)
        if self.plan.contacts:
            steps.append(self.apply_voters)
        if self.plan.liaisons:
            steps.append(self.apply_liaison)
        if self.plan.proposals:
            steps.append(self.apply_proposals)
        if self.plan.reports:
            steps.append(self.apply_reports)
        for done, step in enumerate(steps):
            progress.report(progress.WRITING, done, len(steps))  # one sheet after another
            step()
        progress.report(progress.WRITING, len(steps), len(steps))
        self.samples()

    def apply_terms(self):
        existing = {t.name: t for t in Term.objects.filter(name__in=self.plan.terms)}
        desired = {
            name: {"start_date": start, "end_date": end}
            for name, (start, end) in self.plan.terms.items()
        }
        status = self.upsert(Term, existing, desired, lambda k, v: Term(name=k, **v))
        # A term's dates change the evaluation of every year in its old and new span; a new
        # term changes none (its deputies' service periods are guarded row by row).
        for name in self.keys(S.TERMS):
            if status[name] != UPDATED:
                continue
            new_start, new_end = self.plan.terms[name]
            before = self.previous.get((Term, name), {})
            old = (before.get("start_date", new_start), before.get("end_date", new_end))
            column = "开始日期" if "start_date" in before else "结束日期"
            self.guard(S.TERMS, name, status[name], column, old, (new_start, new_end))
        self.count(S.TERMS, (status[k] for k in self.keys(S.TERMS)))

    def apply_roster(self):
        plan, term = self.plan, self.term
        if not plan.deputies:
            self.deputy_ids = {
                norm_code(code): pk
                for code, pk in Deputy.objects.filter(term=term).values_list("code", "pk")
            }
            return
        delegations = dict(Delegation.objects.values_list("name", "pk"))
        needed = {d["delegation"] for d in plan.deputies.values()} | set(plan.groups.values())
        new = [Delegation(name=name) for name in sorted(needed - set(delegations))]
        if new:
            bulk_create_with_history(new, Delegation, **self.history)
            delegations.update((d.name, d.pk) for d in new)
        groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
        self.upsert(
            DeputyGroup,
            groups,
            {name: {"delegation_id": delegations[d]} for name, d in plan.groups.items()},
            lambda k, v: DeputyGroup(term=term, name=k, **v),
        )
        # Keyed by the code as the validator compares it (NFKC): ＪＤ７０ stored is JD70.
        deputies = {norm_code(d.code): d for d in Deputy.objects.filter(term=term)}
        desired = {}
        for code, record in plan.deputies.items():
            # Only the fields the row gives: a blank cell keeps the stored value.
            values = dict(record["fields"])
            values["is_sc_member"] = record["is_sc"]
            values["delegation_id"] = delegations[record["delegation"]]
            values["group_id"] = groups[record["group"]].pk if record["group"] else None
            desired[code] = values
        deputy_status = self.upsert(
            Deputy, deputies, desired, lambda k, v: Deputy(term=term, code=k, **v)
        )
        self.deputy_ids = {code: d.pk for code, d in deputies.items()}
        ids = self.deputy_ids
        periods = {
            (p.deputy_id, p.start_date): p for p in ServicePeriod.objects.filter(deputy__term=term)
        }
        self.guard_sc_members(deputy_status, periods)
        period_status = self.upsert(
            ServicePeriod,
            periods,
            {(ids[code], start): {"end_date": end} for (code, start), end in plan.periods.items()},
            lambda k, v: ServicePeriod(deputy_id=k[0], start_date=k[1], **v),
        )
        for code, start in self.keys(S.ROSTER):
            db_key = (ids[code], start)
            self.guard_period(
                S.ROSTER, ServicePeriod, (code, start), db_key, period_status[db_key],
                start, plan.periods[(code, start)], "任职开始日期",
            )  # fmt: skip
        self.count(
            S.ROSTER,
            (
                combine(period_status[(ids[code], start)], deputy_status[code])
                for code, start in self.keys(S.ROSTER)
            ),
        )

    def guard_sc_members(self, deputy_status, periods):
        """SC membership decides whether ART15_SC_LIAISON applies in every year the deputy was
        in office; a change is refused for closed years, on the deputy's first roster row."""
        changed = {
            code
            for code, status in deputy_status.items()
            if status == UPDATED and "is_sc_member" in self.previous.get((Deputy, code), {})
        }
        if not changed or not self.closed or self.closed_reason:
            return
        term_end = self.term.end_date
        codes = {self.deputy_ids[code]: code for code in changed}
        spans: dict = {code: [] for code in changed}
        for (deputy_id, start), period in periods.items():
            if deputy_id in codes:
                spans[codes[deputy_id]].append((start, min(period.end_date or term_end, term_end)))
        for (code, start), end in self.plan.periods.items():
            if code in changed:
                spans[code].append((start, min(end or term_end, term_end)))
        first_row = {}
        for code, start in self.keys(S.ROSTER):
            first_row.setdefault(code, (code, start))
        for code in sorted(changed):
            self.guard(S.ROSTER, first_row[code], UPDATED, "常委会组成人员", *spans[code])

    def apply_suspensions(self):
        if not self.plan.suspensions:
            return
        ids = self.deputy_ids
        existing = {
            (s.deputy_id, s.start_date): s
            for s in Suspension.objects.filter(deputy__term=self.term)
        }
        status = self.upsert(
            Suspension,
            existing,
            {
                (ids[code], start): {"end_date": end}
                for (code, start), end in self.plan.suspensions.items()
            },
            lambda k, v: Suspension(deputy_id=k[0], start_date=k[1], **v),
        )
        for code, start in self.keys(S.SUSPENSIONS):
            db_key = (ids[code], start)
            self.guard_period(
                S.SUSPENSIONS, Suspension, (code, start), db_key, status[db_key],
                start, self.plan.suspensions[(code, start)], "开始日期",
            )  # fmt: skip
        self.count(S.SUSPENSIONS, (status[(ids[c], d)] for c, d in self.keys(S.SUSPENSIONS)))

    def apply_meetings(self):
        term, ids = self.term, self.deputy_ids
        sessions = Session.objects.filter(term=term).values_list("start_date", "end_date", "pk")
        sessions = list(sessions)
        desired = {}
        for (name, day), kind in self.plan.meetings.items():
            values = {"kind": kind}
            session = next((pk for start, end, pk in sessions if start <= day <= end), None)
            if session:
                values["session_id"] = session
            desired[(name, day)] = values
        self.meetings = {(m.name, m.date): m for m in Meeting.objects.filter(term=term)}
        meeting_status = self.upsert(
            Meeting,
            self.meetings,
            desired,
            lambda k, v: Meeting(term=term, name=k[0], date=k[1], **v),
        )
        meetings = self.meetings
        # Only the rows the workbook can match: the term's would grow with the city, not with
        # the ledger (the same below for every sheet keyed by a meeting, activity or deputy).
        planned = [meetings[key].pk for key in self.plan.meetings]
        existing = {
            (a.meeting_id, a.deputy_id): a
            for a in Attendance.objects.filter(meeting_id__in=planned)
        }
        status = self.upsert(
            Attendance,
            existing,
            {
                (meetings[(name, day)].pk, ids[code]): _given(status=st, leave_reason=reason)
                for (name, day, code), (st, reason) in self.plan.attendances.items()
            },
            lambda k, v: Attendance(meeting_id=k[0], deputy_id=k[1], **v),
        )
        statuses = (
            combine(status[(meetings[(n, d)].pk, ids[c])], meeting_status[(n, d)])
            for n, d, c in self.keys(S.MEETINGS)
        )
        self.count(S.MEETINGS, self.guard_rows(S.MEETINGS, statuses, "日期", lambda k: k[1]))

    def apply_speeches(self):
        if not self.plan.speeches:
            return
        ids = self.deputy_ids
        existing = {
            (s.deputy_id, s.date, s.meeting_name, s.topic): s
            for s in Speech.objects.filter(deputy_id__in={ids[c] for c, *_ in self.plan.speeches})
        }
        desired = {}
        for code, day, meeting_name, topic in self.plan.speeches:
            meeting = self.meetings.get((meeting_name, day)) if meeting_name else None
            desired[(ids[code], day, meeting_name, topic)] = (
                {"meeting_id": meeting.pk} if meeting else {}
            )
        status = self.upsert(
            Speech,
            existing,
            desired,
            lambda k, v: Speech(deputy_id=k[0], date=k[1], meeting_name=k[2], topic=k[3], **v),
        )
        statuses = (status[(ids[c], d, m, t)] for c, d, m, t in self.keys(S.SPEECHES))
        self.count(S.SPEECHES, self.guard_rows(S.SPEECHES, statuses, "日期", lambda k: k[1]))

    def apply_activities(self):
        term, ids = self.term, self.deputy_ids
        organisers = dict(Organiser.objects.values_list("name", "pk"))
        names = {a["organiser"] for a in self.plan.activities.values() if a["organiser"]}
        new = [Organiser(name=name) for name in sorted(names - set(organisers))]
        Organiser.objects.bulk_create(new)
        organisers.update((o.name, o.pk) for o in new)
        desired = {}
        for key, activity in self.plan.activities.items():
            values = {"type": activity["type"]}
            if activity["organiser"]:
                values["organiser_id"] = organisers[activity["organiser"]]
            desired[key] = values
        days = {day for _name, day in self.plan.activities}
        activities = {
            (a.name, a.date): a for a in Activity.objects.filter(term=term, date__in=days)
        }
        activity_status = self.upsert(
            Activity,
            activities,
            desired,
            lambda k, v: Activity(term=term, name=k[0], date=k[1], **v),
        )
        existing = {
            (p.activity_id, p.deputy_id): p
            for p in Participation.objects.filter(
                activity_id__in=[activities[key].pk for key in self.plan.activities]
            )
        }
        status = self.upsert(
            Participation,
            existing,
            {
                (activities[(name, day)].pk, ids[code]): _given(status=st)
                for (name, day, code), st in self.plan.participations.items()
            },
            lambda k, v: Participation(
                activity_id=k[0], deputy_id=k[1], **{"status": PRESENT, **v}
            ),
        )
        statuses = (
            combine(status[(activities[(n, d)].pk, ids[c])], activity_status[(n, d)])
            for n, d, c in self.keys(S.ACTIVITIES)
        )
        self.count(S.ACTIVITIES, self.guard_rows(S.ACTIVITIES, statuses, "日期", lambda k: k[1]))
        self.notify_added(activities, status)

    def notify_added(self, activities, status):
        """Each deputy newly on an activity's roll is told, in one digest email per deputy for
        the whole import (sent only if the import commits)."""
        from activities.services import added_outcome

        created = [key for key, st in status.items() if st == CREATED]
        if not created:
            return
        by_pk = {a.pk: a for a in activities.values()}
        users = dict(
            Deputy.objects.filter(pk__in={d for _a, d in created}, user__isnull=False).values_list(
                "pk", "user_id"
            )
        )
        notifications.notify(added_outcome(by_pk[a], users[d]) for a, d in created if d in users)

    def apply_voters(self):
        ids = self.deputy_ids
        deputies = {ids[code] for code, *_ in self.plan.contacts} | {
            ids[code] for code, _day, _method in self.plan.communications
        }
        constituents = {
            (c.deputy_id, c.name, c.phone): c
            for c in Constituent.objects.filter(deputy_id__in=deputies)
        }
        self.upsert(
            Constituent,
            constituents,
            {(ids[code], name, phone): {} for code, name, phone, _d, _m in self.plan.contacts},
            lambda k, v: Constituent(deputy_id=k[0], name=k[1], phone=k[2]),
        )
        communications = {
            (c.deputy_id, c.date, c.method): c
            for c in Communication.objects.filter(deputy_id__in=deputies)
        }
        comm_status = self.upsert(
            Communication,
            communications,
            {
                (ids[code], day, method): ({"content": content} if content else {})
                for (code, day, method), content in self.plan.communications.items()
            },
            lambda k, v: Communication(deputy_id=k[0], date=k[1], method=k[2], **v),
        )
        through = Communication.constituents.through
        linked = set(
            through.objects.filter(communication__deputy_id__in=deputies).values_list(
                "communication_id", "constituent_id"
            )
        )
        statuses, new_links = [], []
        for code, name, phone, day, method in self.keys(S.VOTERS):
            comm_key = (ids[code], day, method)
            pair = (communications[comm_key].pk, constituents[(ids[code], name, phone)].pk)
            if pair in linked:
                statuses.append(combine(UNCHANGED, comm_status[comm_key]))
            else:
                linked.add(pair)
                new_links.append(through(communication_id=pair[0], constituent_id=pair[1]))
                statuses.append(CREATED)
        through.objects.bulk_create(new_links, batch_size=BATCH)
        self.link_history(Communication, {link.communication_id for link in new_links})
        self.count(S.VOTERS, self.guard_rows(S.VOTERS, statuses, "日期", lambda k: k[3]))

    def link_history(self, model, pks):
        """New constituent links send no m2m signal: one history row per communication that
        gained some, with its constituents as they now are (in bulk, not per row)."""
        if not pks:
            return
        objs = list(model.objects.filter(pk__in=pks))
        rows = model.history.bulk_history_create(
            objs,
            batch_size=BATCH,
            update=True,
            default_user=self.history["default_user"],
            default_change_reason=self.history["default_change_reason"],
        )
        latest = {row.id: row.pk for row in rows}
        history_model = model.history.model
        m2m_model = apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_constituents"
        )
        through = model.constituents.through
        links = through.objects.filter(communication_id__in=pks).values_list(
            "id", "communication_id", "constituent_id"
        )
        m2m_model.objects.bulk_create(
            [
                m2m_model(id=pk, history_id=latest[c], communication_id=c, constituent_id=v)
                for pk, c, v in links
            ],
            batch_size=BATCH,
        )

    def apply_liaison(self):
        ids = self.deputy_ids
        existing = {
            (c.member_id, c.deputy_id, c.date, c.method): c
            for c in LiaisonCommunication.objects.filter(
                deputy_id__in={ids[c] for _m, c, _d, _x in self.plan.liaisons}
            )
        }
        status = self.upsert(
            LiaisonCommunication,
            existing,
            {
                (ids[m], ids[c], d, method): ({"content": content} if content else {})
                for (m, c, d, method), content in self.plan.liaisons.items()
            },
            lambda k, v: LiaisonCommunication(
                member_id=k[0], deputy_id=k[1], date=k[2], method=k[3], **v
            ),
        )
        statuses = (status[(ids[m], ids[c], d, x)] for m, c, d, x in self.keys(S.LIAISON))
        self.count(S.LIAISON, self.guard_rows(S.LIAISON, statuses, "日期", lambda k: k[2]))

    def apply_proposals(self):
        term, ids, plan = self.term, self.deputy_ids, self.plan
        units = dict(HandlingUnit.objects.values_list("name", "pk"))
        names = {u for p in plan.proposals.values() if p["units"] is not KEEP for u in p["units"]}
        new = [HandlingUnit(name=name) for name in sorted(names - set(units))]
        HandlingUnit.objects.bulk_create(new)
        units.update((u.name, u.pk) for u in new)
        proposals = {p.number: p for p in Proposal.objects.filter(term=term)}
        status = self.upsert(
            Proposal,
            proposals,
            {
                number: _given(
                    kind=p["kind"],
                    title=p["title"],
                    submitted_date=p["submitted_date"],
                    lead_id=ids[p["lead"]],
                    status=p["status"],
                    reply_date=p.get("reply_date", KEEP),
                )
                for number, p in plan.proposals.items()
            },
            lambda k, v: Proposal(term=term, number=k, **v),
        )
        changed = set()  # proposals whose co-signers, units or evaluation changed
        cosigners_changed = set()
        # Co-signers: the row's list replaces the set.
        cosigned: dict = {}
        for c in Cosignature.objects.filter(proposal__term=term):
            cosigned.setdefault(c.proposal_id, {})[c.deputy_id] = c
        to_add = []
        for number, p in plan.proposals.items():
            if p["cosigners"] is KEEP:
                continue
            pk = proposals[number].pk
            want = {ids[code] for code in p["cosigners"]}
            have = cosigned.get(pk, {})
            for deputy_id, cosignature in have.items():
                if deputy_id not in want:
                    cosignature.delete()  # rare; one by one so the history records it
                    changed.add(number)
                    cosigners_changed.add(number)
            for deputy_id in want - set(have):
                to_add.append(Cosignature(proposal_id=pk, deputy_id=deputy_id))
                changed.add(number)
                cosigners_changed.add(number)
        if to_add:
            bulk_create_with_history(to_add, Cosignature, batch_size=BATCH, **self.history)
        # Handling units: the row's list replaces the set too.
        through = Proposal.handling_units.through
        held: dict = {}
        for proposal_id, unit_id in through.objects.filter(proposal__term=term).values_list(
            "proposal_id", "handlingunit_id"
        ):
            held.setdefault(proposal_id, set()).add(unit_id)
        remove, add = [], []
        for number, p in plan.proposals.items():
            if p["units"] is KEEP:
                continue
            pk = proposals[number].pk
            want = {units[name] for name in p["units"]}
            have = held.get(pk, set())
            if want != have:
                changed.add(number)
                remove.extend((pk, unit) for unit in have - want)
                add.extend(through(proposal_id=pk, handlingunit_id=u) for u in want - have)
        for proposal_id, unit_id in remove:
            through.objects.filter(proposal_id=proposal_id, handlingunit_id=unit_id).delete()
            Assignment.objects.filter(proposal_id=proposal_id, unit_id=unit_id).delete()
        through.objects.bulk_create(add, batch_size=BATCH)
        # A unit the ledger adds is a 主办 unit, due three months after submission (the
        # proposal page sets 会办 and other due dates).
        submitted = {p.pk: p for p in proposals.values()}
        bulk_create_with_history(
            [
                Assignment(
                    proposal_id=row.proposal_id, unit_id=row.handlingunit_id,
                    role=Assignment.Role.LEAD,
                    due_date=default_due_date(submitted[row.proposal_id]),
                )
                for row in add
            ],
            Assignment, batch_size=BATCH, **self.history,
        )  # fmt: skip
        # Satisfaction: historic evaluations, imported by office staff only (the validator
        # refuses the column to anyone else). A blank cell leaves any evaluation alone, and
        # the lead deputy's own (evaluated_by set, made on the proposal page) is never
        # overwritten: a different value is a row error.
        evaluations = {
            e.proposal_id: e for e in ProposalEvaluation.objects.filter(proposal__term=term)
        }
        by_pk = {proposals[n].pk: n for n in plan.proposals}
        for number in self.keys(S.PROPOSALS):
            own = evaluations.get(proposals[number].pk)
            wanted = plan.proposals[number]["satisfaction"]
            if own and own.evaluated_by_id and wanted and own.overall != wanted:
                self.result.errors.append(Issue(
                    S.PROPOSALS, self.plan.rows.get((S.PROPOSALS, number), 0), "满意度",
                    _("领衔代表已在系统中评价（%(value)s），导入不能覆盖") % {
                        "value": own.get_overall_display()},
                ))  # fmt: skip
        eval_status = self.upsert(
            ProposalEvaluation,
            evaluations,
            {
                proposals[n].pk: {"overall": p["satisfaction"]}
                for n, p in plan.proposals.items()
                if p["satisfaction"]
            },
            lambda k, v: ProposalEvaluation(proposal_id=k, **v),
        )
        changed.update(by_pk[pk] for pk, st in eval_status.items() if st != UNCHANGED)
        for number in self.keys(S.PROPOSALS):
            # Only what decides whether and for whom a proposal counts is frozen: its handling
            # (status, reply, units, satisfaction) goes on after its year is closed.
            old = self.previous.get((Proposal, number), {})
            withdrawn = Proposal.Status.WITHDRAWN
            counted = (
                status[number] == CREATED
                or number in cosigners_changed
                or "submitted_date" in old
                or "lead_id" in old
                or ("status" in old and (old["status"] == withdrawn) != (
                    plan.proposals[number]["status"] == withdrawn))
            )  # fmt: skip
            if counted:
                self.guard(
                    S.PROPOSALS, number, UPDATED, "提出日期",
                    plan.proposals[number]["submitted_date"], old.get("submitted_date"),
                )  # fmt: skip
        self.count(
            S.PROPOSALS,
            (
                combine(status[n], UPDATED if n in changed else UNCHANGED)
                for n in self.keys(S.PROPOSALS)
            ),
        )

    def apply_reports(self):
        ids = self.deputy_ids
        existing = {
            (r.deputy_id, r.date, r.form): r
            for r in ConstituencyReport.objects.filter(
                deputy_id__in={ids[c] for c, _d, _f in self.plan.reports}
            )
        }
        status = self.upsert(
            ConstituencyReport,
            existing,
            {
                (ids[c], d, f): ({"summary": summary} if summary else {})
                for (c, d, f), summary in self.plan.reports.items()
            },
            lambda k, v: ConstituencyReport(deputy_id=k[0], date=k[1], form=k[2], **v),
        )
        statuses = (status[(ids[c], d, f)] for c, d, f in self.keys(S.REPORTS))
        self.count(S.REPORTS, self.guard_rows(S.REPORTS, statuses, "日期", lambda k: k[1]))
