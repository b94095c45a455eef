"""PDF downloads: a deputy's year-end feedback sheet and performance file (履职档案).

A deputy downloads their own (no id in the URL); staff and leaders download the file of a
deputy they may see (deputies.scopes; out of scope: 404). Each download is in the export log.
"""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.scopes import deputies_editable_by, deputies_visible_to
from jdrenda.params import year_param
from jdrenda.views import apply_errors
from supervision.documents import drafts as report_drafts
from supervision.documents import pdf as documents
from supervision.evaluation.compliance import evaluate_year
from supervision.export_log.services import log_export
from supervision.records import forms
from supervision.reports.feedback import DeputyRecords, collect_records
from supervision.self_reports import services as svc

PDF = "application/pdf"


def _year(request) -> int:
    return year_param(request, default=timezone.localdate().year)


def pdf_unavailable(view):
    """A machine without Pango cannot make PDFs: say so in Chinese instead of a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except documents.PdfUnavailable:
            text = _("本服务器暂不能生成 PDF（缺少 Pango 系统库），请下载 Excel 版或联系管理员。")
            return HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")

    return wrapper


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _describe(deputy, what: str) -> str:
    return f"{deputy.code} {deputy.name} {what}"


@login_required
@pdf_unavailable
def my_feedback_pdf(request):
    year = _year(request)
    deputy = svc.own_deputy(request.user, year)
    if deputy is None:
        raise Http404
    rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows
    if not rows:
        raise Http404
    records = collect_records(rows).get(deputy.pk) or DeputyRecords()
    content = documents.feedback_pdf(rows[0], records)
    log_export(
        request,
        "feedback_own",
        _describe(deputy, _("%(year)s年度反馈表（PDF）") % {"year": year}),
        1,
    )
    return _pdf_response(content, f"{year}年度履职情况反馈表_{deputy.code}_{deputy.name}.pdf")


def _file_years(request, deputy) -> tuple[list[int], str]:
    if request.GET.get("period") == "term":
        return documents.term_years(deputy.term), deputy.term.name
    year = _year(request)
    return [year], f"{year}年度"


def _file_response(request, deputy, mine: bool = False) -> HttpResponse:
    years, label = _file_years(request, deputy)
    content = documents.performance_file_pdf(deputy, years, None if mine else request.user)
    if content is None:
        raise Http404
    log_export(request, "performance_file", _describe(deputy, f"履职档案 {label}（PDF）"), 1)
    return _pdf_response(content, f"代表履职档案_{deputy.code}_{deputy.name}_{label}.pdf")


@login_required
@pdf_unavailable
def my_file_pdf(request):
    deputy = svc.own_deputy(request.user, _year(request))
    if deputy is None:
        raise Http404
    return _file_response(request, deputy, mine=True)


@login_required
@pdf_unavailable
def deputy_file_pdf(request, pk):
    deputy = get_object_or_404(
        deputies_visible_to(request.user).select_related("term", "delegation", "group"), pk=pk
    )
    return _file_response(request, deputy)


# --- the draft 述职报告 (Art. 26) -----------------------------------------------------------


def _own_deputy(request):
    deputy = svc.own_deputy(request.user, timezone.localdate().year)
    if deputy is None:
        raise Http404
    return deputy


def _staff_deputy(request, pk):
    return get_object_or_404(deputies_editable_by(request.user), pk=pk)


def _draft_page(request, deputy, mine: bool):
    draft = report_drafts.draft_for(deputy)
    form = forms.ReportDraftForm(instance=draft)
    given = forms.ReportGivenForm()
    back = request.path
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "regenerate":
            if request.POST.get("confirm") != "yes":
                messages.error(request, _("请勾选确认：重新生成会覆盖已修改的内容。"))
                return redirect(back)
            report_drafts.regenerate(deputy, request.user)
            messages.success(request, _("已按最新记录重新生成草稿。"))
            return redirect(back)
        if action == "record":
            if mine:  # the report is recorded by the town's or the office's staff
                raise Http404
            given = forms.ReportGivenForm(request.POST)
            if given.is_valid():
                try:
                    report_drafts.record_report_given(
                        deputy, given.cleaned_data["date"], given.cleaned_data["form"], request.user
                    )
                except ValidationError as exc:
                    apply_errors(given, exc)
                else:
                    messages.success(request, _("已登记向选民述职（第二十六条）。"))
                    return redirect(back)
        elif action == "save":
            form = forms.ReportDraftForm(request.POST, instance=draft)
            if form.is_valid():
                report_drafts.save_draft(deputy, form.cleaned_data, request.user)
                messages.success(request, _("述职报告草稿已保存。"))
                return redirect(back)
    return render(
        request,
        "supervision/documents/report_draft.html",
        {"deputy": deputy, "draft": draft, "form": form, "given": given, "mine": mine},
    )


@login_required
def my_report_draft(request):
    return _draft_page(request, _own_deputy(request), mine=True)


@login_required
def report_draft(request, pk):
    return _draft_page(request, _staff_deputy(request, pk), mine=False)


def _draft_download(request, deputy, fmt: str):
    if fmt not in ("pdf", "docx"):
        raise Http404
    draft = report_drafts.draft_for(deputy)
    name = f"述职报告草稿_{deputy.code}_{deputy.name}"
    log_export(request, "report_draft", _describe(deputy, f"述职报告草稿（{fmt}）"), 1)
    if fmt == "docx":
        response = HttpResponse(
            report_drafts.draft_docx(draft),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.docx"
        return response
    return _pdf_response(report_drafts.draft_pdf(draft), f"{name}.pdf")


@login_required
@pdf_unavailable
def my_report_draft_download(request, fmt):
    return _draft_download(request, _own_deputy(request), fmt)


@login_required
@pdf_unavailable
def report_draft_download(request, pk, fmt):
    return _draft_download(request, _staff_deputy(request, pk), fmt)
