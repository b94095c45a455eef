"""The draft 述职报告 (Art. 26): a deputy's report to the constituents, drafted from the records.

Art. 26 names five areas: 行使代表权利、履行代表义务、联系人民群众、反映社情民意、为群众办实事.
The draft fills each with the figures of the term so far and a few examples; the deputy (or
the staff of their town or the office) revises it in the browser and downloads it as PDF or
Word. Recording that the report was given is a ConstituencyReport, the record ART26 counts.
"""

from datetime import date
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    ActivityType,
    Attendance,
    AttendanceStatus,
    Communication,
    Participation,
    PublicOpinion,
    Speech,
)
from deputies.models import Deputy
from proposals.models import Proposal
from supervision.models import ConstituencyReport, ReportDraft
from supervision.records.services import save_constituency_report

SECTION_TITLES = {
    "rights": "一、行使代表权利",
    "duties": "二、履行代表义务",
    "contact": "三、联系人民群众",
    "opinions": "四、反映社情民意",
    "deeds": "五、为群众办实事",
}
EXAMPLES = 3  # examples named per kind of record


def _examples(names) -> str:
    names = [n for n in names if n][:EXAMPLES]
    return "，如" + "、".join(f"“{n}”" for n in names) if names else ""


def generated_sections(deputy: Deputy, today: date | None = None) -> dict[str, str]:
    """The five sections filled from the deputy's records of the term up to `today`."""
    today = today or timezone.localdate()
    term = deputy.term
    end = min(today, term.end_date)
    span = f"本届任期（{term.start_date:%Y年%m月}至{end:%Y年%m月}）"

    roll = Attendance.objects.filter(deputy=deputy, meeting__date__range=(term.start_date, end))
    kept = roll.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LEAVE]).count()
    speeches = list(
        Speech.objects.filter(deputy=deputy, date__range=(term.start_date, end))
        .order_by("-date")
        .values_list("topic", flat=True)
    )
    signed = (
        Proposal.objects.filter(term=term, submitted_date__lte=end)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .filter(Q(lead=deputy) | Q(cosignatures__deputy=deputy))
        .distinct()
        .order_by("-submitted_date")
    )
    led = [p for p in signed if p.lead_id == deputy.pk]
    rights = (
        f"{span}，本人出席区人民代表大会会议 {kept} 次（应出席 {roll.count()} 次，含经批准请假），"
        f"在代表团组会议上发言 {len(speeches)} 次{_examples(speeches)}；"
        f"领衔提出议案建议 {len(led)} 件、附议 {len(signed) - len(led)} 件"
        f"{_examples([p.title for p in signed])}。"
    )

    attended = Participation.objects.filter(
        deputy=deputy, status="present", activity__date__range=(term.start_date, end)
    )
    by_type = dict(
        attended.values_list("activity__type")
        .annotate(n=Count("pk"))
        .values_list("activity__type", "n")
    )

    def n(*types):
        return sum(by_type.get(t, 0) for t in types)

    names = list(attended.order_by("-activity__date").values_list("activity__name", flat=True))
    duties = (
        f"{span}，参加区人大常委会组织的专题调研、集中视察、执法检查 "
        f"{n(ActivityType.RESEARCH, ActivityType.INSPECTION, ActivityType.LAW_ENFORCEMENT)} 次，"
        f"列席常委会会议或参加代表座谈会 {n(ActivityType.SC_MEETING, ActivityType.FORUM)} 次，"
        f"参加“一府一委两院”会议活动 {n(ActivityType.GOVERNMENT)} 次，"
        f"参加履职学习培训 {n(ActivityType.TRAINING)} 次，"
        f"参加代表小组活动 {n(ActivityType.GROUP)} 次{_examples(names)}。"
    )

    communications = Communication.objects.filter(deputy=deputy, date__range=(term.start_date, end))
    people = communications.values("constituents").exclude(constituents=None).distinct().count()
    contact = (
        f"{span}，通过走访、座谈、电话和网络等方式联系选区选民 {communications.count()} 次，"
        f"联系选民 {people} 人；参加“家站点”接待人民群众活动 {n(ActivityType.RECEPTION)} 次。"
    )

    opinions_qs = PublicOpinion.objects.filter(deputy=deputy, date__range=(term.start_date, end))
    titles = list(opinions_qs.order_by("-date").values_list("title", flat=True))
    referred = opinions_qs.exclude(hotline_status="").count()
    opinions = (
        f"{span}，收集并反映社情民意 {len(titles)} 件{_examples(titles)}，"
        f"其中转“12345”市民服务热线办理 {referred} 件。"
    )

    answered = [p for p in signed if p.status in (Proposal.Status.REPLIED, Proposal.Status.CLOSED)]
    closed = opinions_qs.filter(hotline_status=PublicOpinion.HotlineStatus.CLOSED)
    deeds = (
        f"所提议案建议已获答复或办结 {len(answered)} 件{_examples([p.title for p in answered])}；"
        f"转办的群众诉求已办结 {closed.count()} 件"
        f"{_examples(list(closed.values_list('title', flat=True)))}。"
        "（请补充为群众办实事的具体事例。）"
    )
    return {"rights": rights, "duties": duties, "contact": contact, "opinions": opinions,
            "deeds": deeds}  # fmt: skip


def draft_for(deputy: Deputy) -> ReportDraft:
    """The saved draft, or a new one filled from the records (not saved until edited)."""
    draft = ReportDraft.objects.filter(deputy=deputy).first()
    if draft is None:
        draft = ReportDraft(deputy=deputy, **generated_sections(deputy))
    return draft


def save_draft(deputy: Deputy, sections: dict[str, str], user) -> ReportDraft:
    draft = ReportDraft.objects.filter(deputy=deputy).first() or ReportDraft(deputy=deputy)
    for name in ReportDraft.SECTIONS:
        setattr(draft, name, sections.get(name, "").strip())
    draft.updated_by = user
    with transaction.atomic():
        draft.save()
    return draft


def regenerate(deputy: Deputy, user) -> ReportDraft:
    """Fill the draft again from the records (the page asks for confirmation first)."""
    return save_draft(deputy, generated_sections(deputy), user)


def record_report_given(deputy: Deputy, when: date, form: str, user) -> ConstituencyReport:
    """The report was given: the Art. 26 record, its summary taken from the draft."""
    if when > timezone.localdate():
        raise ValidationError(_("述职日期不能晚于今天。"))
    draft = draft_for(deputy)
    summary = "；".join(
        getattr(draft, name).split("，", 1)[-1][:60] for name in ReportDraft.SECTIONS[:3]
    )
    report = ConstituencyReport(deputy=deputy, date=when, form=form, summary=summary[:500])
    return save_constituency_report(report)


def draft_docx(draft: ReportDraft) -> bytes:
    """The draft as a Word document (python-docx), for further editing in the office."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    title = document.add_heading(level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(f"{draft.deputy.name}代表履职情况报告")
    subtitle = document.add_paragraph(
        f"{draft.deputy.term.name}区人大代表　{draft.deputy.delegation.name}"
        f"{'　' + draft.deputy.group.name if draft.deputy.group else ''}"
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, heading in SECTION_TITLES.items():
        document.add_heading(heading, level=2)
        for paragraph in (getattr(draft, name) or "").splitlines() or [""]:
            document.add_paragraph(paragraph)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def draft_pdf(draft: ReportDraft) -> bytes:
    from supervision.documents.pdf import render_pdf

    sections = [(heading, getattr(draft, name)) for name, heading in SECTION_TITLES.items()]
    return render_pdf(
        "supervision/documents/pdf/report_draft.html", {"draft": draft, "sections": sections}
    )
