"""Part 4: 议案 and 建议 with co-signers, handling units and evaluations."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from deputies.demo.common import Writer, at, weighted
from deputies.demo.data import BATCH, DATA_END, DELEGATIONS, HANDLING_UNITS, TOPICS, YEARS
from proposals.models import (
    Cosignature,
    Proposal,
    ProposalEvaluation,
    Satisfaction,
)


class ProposalsPart:
    """DemoBuilder's methods for this part (self: the builder)."""

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
