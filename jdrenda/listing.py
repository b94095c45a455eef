"""What every list page shares: sorting by an allowed column, pagination, and exporting what
the list shows to xlsx. Domain-free; each app's views pass their scoped QuerySet in."""

from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from openpyxl import Workbook

from .xlsx import made_at, write_table

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sort(request, queryset, allowed: dict[str, str], default: str):
    """Order by `?sort=key` (or `-key`) when key is in `allowed` ({key: ORM field, or a
    tuple of fields}).

    Returns (queryset, current sort key) so the template can mark the column.
    """
    key = request.GET.get("sort") or default
    descending = key.startswith("-")
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, descending, field = default, default.startswith("-"), allowed[default.lstrip("-")]
    fields = field if isinstance(field, tuple) else (field,)
    return queryset.order_by(*(f"-{f}" if descending else f for f in fields), "pk"), key


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The page `?page=N` of the list; out-of-range numbers give the last page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    request=None,
    kind: str = "",
    description: str = "",
    masked: bool = True,
) -> HttpResponse:
    """An xlsx download of exactly what a list shows (all pages, same filters and order).

    Every such download is recorded in the export log (supervision.export_log.services) once
    the file is built. `request` defaults to the request being served (simple-history's middleware
    keeps it), `kind` to the view's URL name ("deputies.list"), `description` to the file
    name and the query's filters; `masked` is False only when full phones/addresses went out.
    """
    from supervision.export_log.services import describe_query, log_export

    request = request if request is not None else current_request()
    title = filename.removesuffix(".xlsx")
    if request is not None:
        description = description or describe_query(title, request)
    wb = Workbook(write_only=True)
    data = [list(row) for row in rows]
    # The sheet is named after the list; the title line says which filters made it.
    write_table(
        wb.create_sheet(_sheet_name(title)),
        list(header),
        data,
        title=f"{description or title}　共 {len(data)} 条　{made_at()}",
    )
    buffer = BytesIO()
    wb.save(buffer)
    if request is not None:
        match = getattr(request, "resolver_match", None)
        log_export(
            request,
            kind or (match.view_name.replace(":", ".") if match else "list"),
            description,
            len(data),
            masked,
        )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _sheet_name(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip("'")
    return cleaned[:31] or "列表"


def current_request():
    """The request being served, as simple-history's HistoryRequestMiddleware keeps it (it is
    in MIDDLEWARE for the history's "who"); None outside a request."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)
