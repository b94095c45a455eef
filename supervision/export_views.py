"""The evaluation workbook download, the feedback-sheet job and its progress."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import Term
from deputies.scopes import can_export_evaluation, user_scope
from jdrenda.params import int_param, year_param
from jdrenda.percent import percent

from . import compliance
from .closing import may_close_years
from .compliance import Status, evaluate_year
from .export_log import evaluation_description, job_description, log_export
from .exports import export_filename, write_evaluation_workbook
from .jobs import start_export_job
from .models import ExportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_exporter(user):
    if not can_export_evaluation(user):
        raise Http404


def _year_and_term(request):
    # The downloads take ?year=&term=, the job buttons POST them.
    source = request.POST if request.method == "POST" else request.GET
    year = year_param(request, source=source, default=timezone.localdate().year)
    term_id = int_param(request, "term", source=source)
    term = Term.objects.filter(pk=term_id).first() if term_id else None
    return year, term


@login_required
def evaluation(request):
    """The year's figures as of today (a running year: 进行中/预警, no 未达标 and no
    candidates) and the downloads, which judge the full year (office staff, leadership)."""
    _require_exporter(request.user)
    year, term = _year_and_term(request)
    as_of = compliance.as_of_today()
    result = evaluate_year(year, term, as_of=as_of)
    overall = [row.overall for row in result.rows]
    met_all = overall.count(Status.MET)
    candidates = sum(1 for row in result.rows if row.interview_candidate)
    rates = []
    for rule in result.rules:
        met, applicable = result.rate(rule)
        rates.append((rule, met, applicable, percent(met, applicable)))
    jobs = ExportJob.objects.filter(created_by=request.user, year=year)[:5]
    return render(
        request,
        "supervision/evaluation.html",
        {
            "year": year,
            "term": term,
            "terms": Term.objects.all(),
            "years": Term.offered_years(),
            "deputy_count": len(result.rows),
            "met_all": met_all,
            "shortfall_count": overall.count(Status.SHORTFALL),
            "open_count": overall.count(Status.IN_PROGRESS) + overall.count(Status.WARNING),
            "as_of": as_of,
            "running": result.running,
            "candidate_count": candidates,
            "rates": rates,
            "rule_version": result.version,
            "jobs": jobs,
            "may_close_years": may_close_years(request.user),
        },
    )


@login_required
def evaluation_download(request):
    _require_exporter(request.user)
    year, term = _year_and_term(request)
    buffer = BytesIO()
    evaluation = evaluate_year(year, term)
    write_evaluation_workbook(evaluation, buffer)
    buffer.seek(0)
    log_export(request, "evaluation", evaluation_description(year, term), len(evaluation.rows))
    return FileResponse(
        buffer, as_attachment=True, filename=export_filename(year), content_type=XLSX
    )


@login_required
@require_POST
def feedback_start(request):
    _require_exporter(request.user)
    year, term = _year_and_term(request)
    pdf = request.POST.get("format") == "pdf"
    kind = ExportJob.Kind.FEEDBACK_PDF if pdf else ExportJob.Kind.FEEDBACK_ZIP
    job = start_export_job(request.user, kind, year, term)
    return redirect("evaluation:job", pk=job.pk)


@login_required
@require_POST
def evaluation_start(request):
    """The workbook as a background job with a progress page (the direct download stays)."""
    _require_exporter(request.user)
    year, term = _year_and_term(request)
    job = start_export_job(request.user, ExportJob.Kind.EVALUATION, year, term)
    return redirect("evaluation:job", pk=job.pk)


def _visible_job(request, pk) -> ExportJob:
    jobs = ExportJob.objects.all()
    if not user_scope(request.user).has("office"):
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
def job(request, pk):
    job = _visible_job(request, pk)
    template = (
        "supervision/_job_progress.html"
        if request.headers.get("HX-Request")
        else "supervision/job.html"
    )
    return render(request, template, {"job": job, "stalled": _stalled(job)})


# A job still waiting or running after this long will not finish: its worker is gone or the
# task hit its time limit (run_export_job's is one hour). Say so instead of spinning forever.
STALLED_AFTER = timedelta(minutes=65)


def _stalled(job: ExportJob) -> bool:
    waiting = job.state in (ExportJob.State.PENDING, ExportJob.State.RUNNING)
    return waiting and timezone.now() - job.created_at > STALLED_AFTER


@login_required
def job_download(request, pk):
    job = _visible_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file or not Path(job.file).exists():
        raise Http404(_("文件尚未生成或已被清理。"))
    path = Path(job.file)
    content_type = XLSX if path.suffix == ".xlsx" else "application/zip"
    log_export(request, "job_download", job_description(job), job.total or None)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type=content_type)  # fmt: skip
