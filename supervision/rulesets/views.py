"""考核规则版本: office staff list, copy, edit, publish, export and import rule set versions,
and re-judge an ended year by another version. Everyone else gets 404 (as other office pages).
Each view checks may_manage_rulesets, calls one service, renders."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import Term
from deputies.permissions import may_manage_rulesets
from jdrenda.listing import paginate
from supervision.closing.services import closed_years
from supervision.rulesets import services
from supervision.rulesets.forms import (
    CopyForm,
    ImportForm,
    ReasonForm,
    RejudgeForm,
    RuleFormSet,
    VersionForm,
)
from supervision.rulesets.models import RuleSet, RuleSetRule, YearJudgement
from supervision.rulesets.selectors import judging_pks

MAX_FILE = 1024 * 1024


def _require(user):
    if not may_manage_rulesets(user):
        raise Http404


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
def version_list(request):
    _require(request.user)
    page = paginate(request, RuleSet.objects.all())
    years = Term.offered_years()
    judging = judging_pks(years)
    closed = closed_years()
    by_version: dict = {}
    for year, pk in sorted(judging.items()):
        by_version.setdefault(pk, []).append((year, year in closed))
    rows = [(v, by_version.get(v.pk, [])) for v in page]
    return render(
        request,
        "supervision/rulesets/list.html",
        {
            "page": page,
            "rows": rows,
            "judgements": YearJudgement.objects.select_related("ruleset", "judged_by"),
            "rejudge_form": RejudgeForm(),
        },
    )


@login_required
def version_detail(request, pk):
    _require(request.user)
    version = get_object_or_404(RuleSet, pk=pk)
    history = version.history.select_related("history_user").order_by("-history_date")[:30]
    rule_history = (
        RuleSetRule.history.filter(ruleset_id=version.pk)
        .select_related("history_user")
        .order_by("-history_date")[:50]
    )
    return render(
        request,
        "supervision/rulesets/detail.html",
        {
            "version": version,
            "rules": version.rules.all(),
            "locked_years": services.locked_years(version),
            "history": history,
            "rule_history": rule_history,
            "copy_form": CopyForm(),
            "publish_form": ReasonForm(),
        },
    )


@login_required
def version_copy(request, pk):
    _require(request.user)
    source = get_object_or_404(RuleSet, pk=pk)
    form = CopyForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = services.copy_version(
                request.user, source, data["name"], data["effective_date"], data["reason"]
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("已复制为草稿“%(name)s”，请修改后发布。") % {"name": copy.name}
            )
            return redirect("rulesets:edit", copy.pk)
    return render(
        request,
        "supervision/rulesets/copy.html",
        {"source": source, "form": form, "errors": errors},
    )


def _rules_from(formset) -> list[dict]:
    rules = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not form.has_changed() and not form.initial:
            continue
        values = {name: data.get(name) for name in services.RULE_FIELDS}
        values["activity_types"] = list(values["activity_types"] or [])
        values["art29"] = values["art29"] or ""
        values["description"] = values["description"] or ""
        rules.append(values)
    return rules


@login_required
def version_edit(request, pk):
    _require(request.user)
    version = get_object_or_404(RuleSet, pk=pk)
    locked = services.locked_years(version)
    if locked:
        messages.error(
            request,
            _("该版本已用于已结账年度（%(years)s）的考核，不能修改，只能由新版本取代。")
            % {"years": "、".join(map(str, locked))},
        )
        return redirect("rulesets:detail", version.pk)
    initial = services.rule_dicts(version)
    if request.method == "POST":
        form = VersionForm(request.POST, instance=RuleSet.objects.get(pk=version.pk))
        formset = RuleFormSet(request.POST, initial=initial, prefix="rules")
        reason_form = ReasonForm(request.POST)
    else:
        form = VersionForm(instance=version)
        formset = RuleFormSet(initial=initial, prefix="rules")
        reason_form = ReasonForm()
    errors = []
    if request.method == "POST" and all(
        [form.is_valid(), formset.is_valid(), reason_form.is_valid()]
    ):
        fields = {name: form.cleaned_data[name] for name in VersionForm.Meta.fields}
        try:
            services.update_version(
                request.user, version, fields, _rules_from(formset),
                reason_form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("规则版本已保存。"))
            return redirect("rulesets:detail", version.pk)
    return render(
        request,
        "supervision/rulesets/edit.html",
        {
            "version": version,
            "form": form,
            "formset": formset,
            "reason_form": reason_form,
            "errors": errors,
        },
    )


@login_required
@require_POST
def version_publish(request, pk):
    """Step 1 asks for the confirmation; step 2 (confirm=1) publishes."""
    _require(request.user)
    version = get_object_or_404(RuleSet, pk=pk)
    form = ReasonForm(request.POST)
    errors = []
    if form.is_valid() and request.POST.get("confirm"):
        try:
            services.publish(request.user, version, form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("“%(name)s”已发布。") % {"name": version.name})
            return redirect("rulesets:detail", version.pk)
    return render(
        request,
        "supervision/rulesets/confirm.html",
        {"action": "publish", "version": version, "form": form, "errors": errors},
    )


@login_required
@require_POST
def rejudge(request):
    _require(request.user)
    form = RejudgeForm(request.POST)
    errors = []
    if form.is_valid() and request.POST.get("confirm"):
        data = form.cleaned_data
        try:
            services.rejudge_year(request.user, data["year"], data["ruleset"], data["reason"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("%(year)s 年度已改按“%(name)s”评定。")
                % {"year": data["year"], "name": data["ruleset"].name},
            )
            return redirect("rulesets:list")
    return render(
        request,
        "supervision/rulesets/confirm.html",
        {"action": "rejudge", "form": form, "errors": errors},
    )


@login_required
def version_export(request, pk):
    _require(request.user)
    version = get_object_or_404(RuleSet, pk=pk)
    body = json.dumps(services.export_version(version), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=ruleset-{version.pk}.json"
    return response


@login_required
def version_import(request):
    _require(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE:
                raise ValidationError(_("文件过大（最大 1 MB）。"))
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError(_("文件不是有效的 JSON：%(e)s") % {"e": exc}) from exc
            version = services.import_version(request.user, data, form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已导入为草稿“%(name)s”。") % {"name": version.name})
            return redirect("rulesets:detail", version.pk)
    return render(request, "supervision/rulesets/import.html", {"form": form, "errors": errors})
