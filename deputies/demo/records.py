"""Part 5: reports to constituents, group reports, interviews and awards."""

from datetime import date

from django.utils.translation import gettext as _

from deputies.demo.common import Writer, year_window
from deputies.demo.data import BATCH, YEARS
from proposals.models import (
    Proposal,
)
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview


class RecordsPart:
    """DemoBuilder's methods for this part (self: the builder)."""

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
