"""PDF downloads: a deputy's year-end feedback sheet and performance file (履职档案).

A deputy downloads their own (no id in the URL); staff and leaders download the file of a
deputy they may see (deputies.scopes; out of scope: 404). Each download is in the export log.
"""

from functools import wraps
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.scopes import deputies_visible_to

from . import documents
from . import self_reports as svc
from .compliance import evaluate_year
from .export_log import log_export
from .feedback import DeputyRecords, collect_records

PDF = "application/pdf"


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


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


def _file_response(request, deputy) -> HttpResponse:
    years, label = _file_years(request, deputy)
    content = documents.performance_file_pdf(deputy, years)
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
    return _file_response(request, deputy)


@login_required
@pdf_unavailable
def deputy_file_pdf(request, pk):
    deputy = get_object_or_404(
        deputies_visible_to(request.user).select_related("term", "delegation", "group"), pk=pk
    )
    return _file_response(request, deputy)
