"""导出记录: who exported personal data, for office staff and leadership (others get 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from deputies.scopes import can_export_evaluation
from jdrenda.listing import paginate, wants_xlsx, xlsx_response
from supervision.export_log import services as export_log


@login_required
def export_log_list(request):
    # The same people who may download the evaluation workbook oversee who exports.
    if not can_export_evaluation(request.user):
        raise Http404
    filters = export_log.LogFilters.from_request(request)
    qs = export_log.export_logs(filters)
    if wants_xlsx(request):
        header, rows = export_log.export_log_table(qs)
        return xlsx_response(_("导出记录.xlsx"), header, rows, request=request)
    page = paginate(request, qs)
    for log in page:
        log.kind_label = export_log.kind_label(log.kind)
    context = {"page": page, "filters": filters, "kinds": export_log.logged_kinds()}
    return render(request, "supervision/export_log/list.html", context)
