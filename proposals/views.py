"""Pages for 议案 and 建议: scoped list, record and edit (office staff), the handling
lifecycle, and the lead deputy's own evaluation of the handling (Art. 19).

The evaluation is shown only to the lead deputy, office staff and leadership. There is no
handling-unit role yet; when one is added it must not be given the evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.attachments.services import stored_file_response
from deputies import permissions
from deputies.models import Role
from deputies.scopes import proposals_visible_to, user_scope
from jdrenda import todo
from jdrenda.listing import paginate, sort, wants_xlsx, xlsx_response
from jdrenda.params import note_invalid_form
from jdrenda.views import apply_errors, confirm_delete

from . import forms, services
from .models import Assignment, Cosignature, Proposal, ProposalEvaluation
from .visibility import may_see_evaluation, sees_every_evaluation

SORTS = {
    "number": "number",
    "date": "submitted_date",
    "status": "status",
    "lead": "lead__code",
    "kind": "kind",
}


def _require_role(user):
    if not user_scope(user).roles:
        raise Http404


def _is_office(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF)


def _require_office(user):
    if not permissions.may_change_proposal(user):
        raise Http404


def filtered_proposals(request):
    form = forms.ProposalFilterForm(request.GET or None)
    if not user_scope(request.user).deputy_ids:
        del form.fields["to_evaluate"]  # only a lead deputy evaluates
    note_invalid_form(request, form)
    qs = proposals_visible_to(request.user).select_related("lead__delegation", "term")
    if form.is_valid():
        data = form.cleaned_data
        if data["term"]:
            qs = qs.filter(term=data["term"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["unit"]:
            qs = qs.filter(handling_units=data["unit"])
        if data["delegation"]:
            qs = qs.filter(lead__delegation=data["delegation"])
        if data["q"]:
            qs = qs.filter(title__icontains=data["q"]) | qs.filter(number=data["q"])
        if data["overdue"]:
            qs = qs.filter(pk__in=todo.overdue_proposals(request.user, timezone.localdate()))
        if data.get("to_evaluate"):
            qs = qs.filter(pk__in=todo.awaiting_my_evaluation(request.user))
    qs = qs.annotate(cosigner_count=Count("cosignatures", distinct=True)).prefetch_related(
        "handling_units"
    )
    return form, qs


@login_required
def proposal_list(request):
    _require_role(request.user)
    form, qs = filtered_proposals(request)
    qs, sort_key = sort(request, qs, SORTS, "-date")
    if wants_xlsx(request):
        # The column for those who may see some evaluations (office, leadership: all; a
        # deputy: those they lead); each cell is decided by may_see_evaluation.
        with_eval = sees_every_evaluation(request.user) or bool(user_scope(request.user).deputy_ids)
        if with_eval:
            qs = qs.select_related("evaluation")
        header = [_("编号"), _("类型"), _("标题"), _("提出日期"), _("领衔代表"), _("代表团"),
                  _("附议人数"), _("承办单位"), _("办理状态"), _("答复日期")]  # fmt: skip
        if with_eval:
            header.append(_("满意度"))

        def row(p):
            cells = [p.number, p.get_kind_display(), p.title, p.submitted_date, p.lead.name,
                     str(p.lead.delegation), p.cosigner_count,
                     "、".join(u.name for u in p.handling_units.all()), p.get_status_display(),
                     p.reply_date]  # fmt: skip
            if with_eval:
                evaluation = getattr(p, "evaluation", None)
                shown = evaluation and may_see_evaluation(request.user, p)
                cells.append(evaluation.get_overall_display() if shown else "")
            return cells

        return xlsx_response(_("议案建议.xlsx"), header, (row(p) for p in qs))
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    page = paginate(request, qs)
    for p in page:
        # The 重新办理 badge names its cause (the lead was 不满意) only to evaluation readers.
        p.evaluation_visible = may_see_evaluation(request.user, p)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "form": form,
            "page": page,
            "sort_key": sort_key,
            "export_query": params.urlencode(),
            "can_create": _is_office(request.user),
        },
    )


@login_required
def proposal_detail(request, pk):
    return _render_detail(request, pk)


def _render_detail(request, pk, *, evaluation_form=None, withdraw_form=None):
    """The proposal page; a refused form is shown again bound, with its errors."""
    _require_role(request.user)
    proposal = get_object_or_404(
        proposals_visible_to(request.user)
        .select_related("lead__delegation", "term")
        .prefetch_related(
            "handling_units",
            Prefetch("cosignatures", Cosignature.objects.select_related("deputy__delegation")),
        ),
        pk=pk,
    )
    is_lead = services.is_lead_user(request.user, proposal)
    show_evaluation = may_see_evaluation(request.user, proposal)
    evaluation = (
        ProposalEvaluation.objects.filter(proposal=proposal).first() if show_evaluation else None
    )
    office = _is_office(request.user)
    context = {
        "proposal": proposal,
        "office": office,
        "is_lead": is_lead,
        "show_evaluation": show_evaluation,
        "evaluation": evaluation,
        "transitions": [
            (s, Proposal.Status(s).label)
            for s in services.allowed_transitions(proposal)
            if s not in (Proposal.Status.REPLIED, Proposal.Status.WITHDRAWN)
        ],
        "can_withdraw": office
        and Proposal.Status.WITHDRAWN in services.allowed_transitions(proposal),
        "can_restore": office and proposal.status == Proposal.Status.WITHDRAWN,
        "can_reply": office
        and proposal.status in (Proposal.Status.HANDLING, Proposal.Status.REPLIED),  # fmt: skip
        "can_evaluate": is_lead and proposal.status in services.EVALUABLE,
    }
    assignments = list(proposal.assignments.select_related("unit"))
    context["assignments"] = assignments
    if context["can_reply"] and assignments:
        context["unit_forms"] = [
            (a, forms.UnitReplyForm(
                initial={"due_date": a.due_date, "reply": a.reply, "reply_date": a.reply_date},
                prefix=f"u{a.pk}",
            ))
            for a in assignments
        ]  # fmt: skip
    elif context["can_reply"]:
        context["reply_form"] = forms.ReplyForm(
            initial={"reply": proposal.reply, "reply_date": proposal.reply_date}
        )
    if context["can_evaluate"]:
        context["evaluation_form"] = evaluation_form or forms.EvaluationForm(instance=evaluation)
    return render(request, "proposals/proposal_detail.html", context)


@login_required
def proposal_create(request):
    _require_office(request.user)
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = services.save_proposal(form)
        messages.success(request, _("已登记 %(n)s。") % {"n": proposal.number})
        return redirect("proposals:proposal_detail", proposal.pk)
    return render(request, "proposals/proposal_form.html", {"form": form})


@login_required
def proposal_edit(request, pk):
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    form = forms.ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        services.save_proposal(form)
        messages.success(request, _("已保存。"))
        return redirect("proposals:proposal_detail", pk)
    return render(request, "proposals/proposal_form.html", {"form": form, "proposal": proposal})


@login_required
def proposal_delete(request, pk):
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    return confirm_delete(
        request,
        proposal,
        services.delete_proposal,
        message=_("已删除 %(n)s。") % {"n": proposal.number},
        success_url=reverse("proposals:proposal_list"),
        cancel_url=reverse("proposals:proposal_detail", args=[pk]),
    )


@login_required
def proposal_transition(request, pk):
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.transition(proposal, request.POST.get("status", ""))
            messages.success(request, _("办理状态已更新。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("proposals:proposal_detail", pk)


@login_required
def proposal_withdraw(request, pk):
    """撤回: a confirmation page with the reason; nothing changes until it is confirmed."""
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(proposal, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已撤回 %(n)s。") % {"n": proposal.number})
            return redirect("proposals:proposal_detail", pk)
    return render(request, "proposals/withdraw_confirm.html", {"proposal": proposal, "form": form})


@login_required
def proposal_restore(request, pk):
    """Office staff undo a withdrawal, after a confirmation naming the state it returns to."""
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.undo_withdrawal(proposal)
            messages.success(request, _("已撤销撤回，%(n)s 重新计入。") % {"n": proposal.number})
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect("proposals:proposal_detail", pk)
    back_to = Proposal.Status(proposal.withdrawn_from or Proposal.Status.SUBMITTED).label
    return render(
        request, "proposals/restore_confirm.html", {"proposal": proposal, "back_to": back_to}
    )


@login_required
def proposal_reply(request, pk):
    _require_office(request.user)
    proposal = get_object_or_404(proposals_visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = forms.ReplyForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写答复内容和答复日期。"))
            services.record_reply(
                proposal, form.cleaned_data["reply"], form.cleaned_data["reply_date"]
            )
            messages.success(request, _("已登记答复。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("proposals:proposal_detail", pk)


@login_required
@require_POST
def unit_reply(request, pk):
    """One handling unit's reply, 办理期限 and 答复函 (office staff)."""
    _require_office(request.user)
    assignment = get_object_or_404(
        Assignment.objects.filter(proposal__in=proposals_visible_to(request.user)), pk=pk
    )
    form = forms.UnitReplyForm(request.POST, request.FILES, prefix=f"u{pk}")
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data
        services.record_unit_reply(
            assignment, data["reply"], data["reply_date"], data["due_date"], data["letter"]
        )
        messages.success(request, _("已保存%(unit)s的办理情况。") % {"unit": assignment.unit.name})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("proposals:proposal_detail", assignment.proposal_id)


@login_required
def unit_letter(request, pk):
    """A unit's 答复函, to whoever may see the proposal; never from a static URL."""
    _require_role(request.user)
    assignment = get_object_or_404(
        Assignment.objects.filter(proposal__in=proposals_visible_to(request.user)).exclude(
            letter=""
        ),
        pk=pk,
    )
    return stored_file_response(
        assignment.letter,
        assignment.letter_type,
        assignment.letter_name,
        as_attachment=assignment.letter_type == "application/pdf",
    )


@login_required
def proposal_evaluate(request, pk):
    """Only the lead deputy, from their own account; anyone else gets a 404."""
    proposal = get_object_or_404(proposals_visible_to(request.user).select_related("lead"), pk=pk)
    if not services.is_lead_user(request.user, proposal):
        raise Http404
    if request.method == "POST":
        form = forms.EvaluationForm(request.POST)
        if not form.is_valid():
            # Shown again with the choices made so far and each missing one named.
            messages.error(request, _("评价未提交：请逐项选择。"))
            return _render_detail(request, pk, evaluation_form=form)
        try:
            data = form.cleaned_data
            _evaluation, reopened = services.evaluate(
                proposal, request.user, data["attitude"], data["result"], data["overall"],
                data["comment"],
            )  # fmt: skip
            if reopened:
                messages.warning(request, _("已提交评价。因不满意，该件已退回重新办理。"))
            else:
                messages.success(request, _("已提交评价。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("proposals:proposal_detail", pk)
