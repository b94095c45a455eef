"""A deputy's record history (issue 7.4): every change to the records of one deputy, newest
first, from the simple-history tables, with who, when, what and, for a modification, each
field's old and new value.

The page costs a fixed number of queries whatever its length: one UNION over the history
tables for the page's keys (and one count), then one query per kind of record on the page
(its rows and their predecessors, for the diffs) and one per kind of related object named.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import ForeignKey, IntegerField, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from jdrenda.params import year_param

from .scopes import deputies_visible_to

PER_PAGE = 50
CHANGE_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
# Personal data: a change is shown, its values are not (个人信息保护法; lists mask them too).
HIDDEN_VALUES = {
    "deputies.Deputy": {"mobile", "birth_date"},
    "deputies.Constituent": {"phone", "address"},
}
SKIPPED_FIELDS = {"deputies.Deputy": {"name_initials"}}


def _sources(deputy_id: int):
    """(model, Q over its history table) for every kind of record of one deputy."""
    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LeaveRequest,
        LiaisonCommunication,
        Meeting,
        Participation,
        Speech,
    )
    from proposals.models import Cosignature, Proposal
    from supervision.models import ConstituencyReport

    from .models import (
        Constituent,
        Deputy,
        LiaisonAssignment,
        ServicePeriod,
        Suspension,
        Termination,
    )

    own = Q(deputy_id=deputy_id)
    either = Q(deputy_id=deputy_id) | Q(member_id=deputy_id)
    # Meetings and activities are shared records: the deputy's page shows changes to those
    # the deputy was ever on the roll of (from the history, so a removed roll still counts).
    meetings = Attendance.history.filter(deputy_id=deputy_id).values("meeting_id")
    activities = Participation.history.filter(deputy_id=deputy_id).values("activity_id")
    return [
        (Deputy, Q(id=deputy_id)),
        (ServicePeriod, own),
        (Suspension, own),
        (Termination, own),
        (Constituent, own),
        (LiaisonAssignment, either),
        (Meeting, Q(id__in=meetings)),
        (Attendance, own),
        (LeaveRequest, own),
        (Speech, own),
        (Activity, Q(id__in=activities)),
        (Participation, own),
        (Communication, own),
        (LiaisonCommunication, either),
        (Proposal, Q(lead_id=deputy_id)),
        (Cosignature, own),
        (ConstituencyReport, own),
    ]


@dataclass
class Change:
    field: str
    old: str = ""
    new: str = ""
    hidden: bool = False


@dataclass
class Entry:
    when: datetime
    user: object
    kind: str  # the model's verbose name
    record: str
    change_type: str
    reason: str
    changes: list = field(default_factory=list)


def history_page(deputy, page_number):
    """The page of the deputy's record history: a Page whose object_list holds Entry rows."""
    sources = _sources(deputy.pk)
    parts = [
        model.history.filter(q)
        .order_by()
        .annotate(history_source=Value(i, output_field=IntegerField()))
        .values_list("history_date", "history_id", "id", "history_source")
        for i, (model, q) in enumerate(sources)
    ]
    union = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
    page = Paginator(union, PER_PAGE).get_page(page_number)
    keys = list(page.object_list)
    page.object_list = _entries(sources, keys)
    return page


def _entries(sources, keys):
    by_kind: dict[int, set] = {}
    for _when, _hid, obj_id, kind in keys:
        by_kind.setdefault(kind, set()).add(obj_id)
    rows: dict[int, dict] = {}  # kind -> {history_id: row}
    previous: dict[tuple, object] = {}  # (kind, history_id) -> the row before, same object
    for kind, obj_ids in by_kind.items():
        model = sources[kind][0]
        history = list(
            model.history.filter(id__in=obj_ids)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        rows[kind] = {row.history_id: row for row in history}
        for before, after in zip(history, history[1:], strict=False):
            if before.id == after.id:
                previous[(kind, after.history_id)] = before
    wanted = [rows[kind][hid] for _w, hid, _i, kind in keys]
    cache = _related_objects(sources, rows)
    linked = _m2m_names(sources, keys, rows, previous)
    entries = []
    for (_when, hid, _obj_id, kind), row in zip(keys, wanted, strict=True):
        model = sources[kind][0]
        instance = _instance(model, row, cache)
        changes = []
        if row.history_type == "~" and (kind, hid) in previous:
            before = previous[(kind, hid)]
            changes = _diff(model, before, row, cache)
            for name, names in linked.get(kind, {}).items():
                old, new = names.get(before.history_id, ""), names.get(hid, "")
                if old != new:
                    changes.append(Change(name, old or _("（空）"), new or _("（空）")))
        entries.append(
            Entry(
                when=row.history_date,
                user=row.history_user,
                kind=str(model._meta.verbose_name),
                record=_describe(model, instance),
                change_type=_(CHANGE_TYPES.get(row.history_type, row.history_type)),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _m2m_names(sources, keys, rows, previous):
    """{kind: {field name: {history_id: "A、B"}}} for the history rows on the page and their
    predecessors, for models whose history keeps a many-to-many field (a communication's
    constituents: who was reached is what ART15 counts). Two queries per such field."""
    result = {}
    for kind in {k for _w, _h, _i, k in keys}:
        history_model = sources[kind][0].history.model
        for f in getattr(history_model, "_history_m2m_fields", ()):
            ids = {hid for _w, hid, _i, k in keys if k == kind}
            ids |= {previous[(kind, h)].history_id for h in ids if (kind, h) in previous}
            meta = history_model._meta
            through = apps.get_model(meta.app_label, f"{history_model.__name__}_{f.name}")
            target = f"{f.related_model._meta.model_name}_id"
            links = list(
                through.objects.filter(history_id__in=ids).values_list("history_id", target)
            )
            targets = {t for _h, t in links}
            found = f.related_model._base_manager.in_bulk(targets)
            gone = targets - set(found)
            if gone and hasattr(f.related_model, "history"):
                for old in f.related_model.history.filter(id__in=gone).order_by("history_date"):
                    found[old.id] = old
            names: dict = {}
            for hid, target_id in links:
                obj = found.get(target_id)
                names.setdefault(hid, []).append(str(obj) if obj is not None else f"#{target_id}")
            result.setdefault(kind, {})[str(f.verbose_name)] = {
                hid: "、".join(sorted(values)) for hid, values in names.items()
            }
    return result


def _fk_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, ForeignKey)]


def _related_objects(sources, rows):
    """{related model: {pk: object}} for every foreign key on the rows, one query per related
    model; objects since deleted come from their own history when they have one."""
    wanted: dict = {}
    for kind, history in rows.items():
        model = sources[kind][0]
        for f in _fk_fields(model):
            ids = {getattr(row, f.attname) for row in history.values()} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    cache = {}
    for related, ids in wanted.items():
        found = related._base_manager.in_bulk(ids)
        missing = ids - set(found)
        if missing and hasattr(related, "history"):
            for row in related.history.filter(id__in=missing).order_by("id", "history_date"):
                found[row.id] = _plain_instance(related, row)  # the last state wins
        cache[related] = found
    return cache


def _plain_instance(model, row):
    return model(
        **{
            f.attname: getattr(row, f.attname)
            for f in model._meta.concrete_fields
            if hasattr(row, f.attname)
        }
    )


def _instance(model, row, cache):
    """The record as this history row has it, with its foreign keys filled from the cache
    (so str() needs no query)."""
    instance = _plain_instance(model, row)
    for f in _fk_fields(model):
        obj = cache.get(f.related_model, {}).get(getattr(row, f.attname))
        if obj is not None:
            f.set_cached_value(instance, obj)
    return instance


def _describe(model, instance) -> str:
    try:
        return str(instance)
    except Exception:  # a related record gone without history: name the kind and id
        return f"{model._meta.verbose_name} #{instance.pk}"


def _display(f, value, cache) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(f, ForeignKey):
        obj = cache.get(f.related_model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _diff(model, old, new, cache) -> list[Change]:
    label = model._meta.label
    hidden = HIDDEN_VALUES.get(label, set())
    skipped = SKIPPED_FIELDS.get(label, set())
    changes = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in skipped or not hasattr(new, f.attname):
            continue
        before, after = getattr(old, f.attname), getattr(new, f.attname)
        if before == after:
            continue
        name = str(f.verbose_name)
        if f.name in hidden:
            changes.append(Change(name, hidden=True))
        else:
            changes.append(Change(name, _display(f, before, cache), _display(f, after, cache)))
    return changes


# -- views ---------------------------------------------------------------------------------


@login_required
def deputy_history(request, pk):
    """Anyone who may see the deputy's file may see its history (deputies.scopes)."""
    deputy = get_object_or_404(
        deputies_visible_to(request.user).select_related("term", "delegation"), pk=pk
    )
    return _render(request, deputy, own=False)


@login_required
def my_history(request):
    """The signed-in deputy's own history (no deputy id in the address)."""
    from supervision.self_reports import services as self_reports

    own = self_reports.own_deputy(request.user, year_param(request))
    if own is None:
        raise Http404
    return _render(request, own, own=True)


def _render(request, deputy, own):
    page = history_page(deputy, request.GET.get("page"))
    return render(request, "deputies/history.html", {"deputy": deputy, "page": page, "own": own})
