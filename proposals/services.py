"""Writes for 议案 and 建议: saving with co-signers, the handling lifecycle, the reply and
the lead deputy's evaluation (Art. 19). Each function validates first and writes in one
transaction, so a refused request changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from activities.services import in_office_on
from deputies.models import Deputy
from supervision.notifications import services as notifications

from .models import Assignment, Cosignature, Proposal, ProposalEvaluation, Satisfaction

S = Proposal.Status
OPEN = [S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED]
# The lifecycle 提交→立案→交办→办理中→答复→办结, and 撤回 from any open state.
TRANSITIONS = {
    S.SUBMITTED: [S.REGISTERED, S.WITHDRAWN],
    S.REGISTERED: [S.ASSIGNED, S.WITHDRAWN],
    S.ASSIGNED: [S.HANDLING, S.WITHDRAWN],
    S.HANDLING: [S.REPLIED, S.WITHDRAWN],
    S.REPLIED: [S.CLOSED, S.WITHDRAWN],
    S.CLOSED: [],
    S.WITHDRAWN: [],
}
EVALUABLE = [S.REPLIED, S.CLOSED]


def allowed_transitions(proposal: Proposal) -> list:
    return TRANSITIONS[proposal.status]


def check_people(term, day, lead, cosigners) -> dict:
    """Errors by field for a lead and co-signers: same term, in office on the date, the lead
    never a co-signer."""
    errors = {}
    if lead and lead in cosigners:
        errors["cosigners"] = _("领衔代表不能同时是附议代表。")
    people = ([lead] if lead else []) + list(cosigners)
    if term:
        other = [d.name for d in people if d.term_id != term.pk]
        if other:
            errors.setdefault(
                "cosigners" if lead and lead.term_id == term.pk else "lead",
                _("%(names)s 不是%(term)s代表。") % {"names": "、".join(other), "term": term},
            )
    if day and people:
        ids = {d.pk for d in people}
        in_office = set(
            in_office_on(Deputy.objects.filter(pk__in=ids), day).values_list("pk", flat=True)
        )
        if lead and lead.pk not in in_office:
            errors.setdefault("lead", _("领衔代表在提出日期不在任职期间。"))
        out = [d.name for d in cosigners if d.pk not in in_office]
        if out:
            errors.setdefault(
                "cosigners",
                _("附议代表 %(names)s 在提出日期不在任职期间。") % {"names": "、".join(out)},
            )
    return errors


@transaction.atomic
def save_proposal(form) -> Proposal:
    """Save a validated ProposalForm: the proposal, its handling units and co-signers."""
    proposal = form.save(commit=False)
    proposal.save()
    set_units(proposal, form.cleaned_data["lead_units"], form.cleaned_data["assist_units"])
    wanted = {d.pk for d in form.cleaned_data["cosigners"]}
    current = set(proposal.cosignatures.values_list("deputy_id", flat=True))
    # Row by row so that each co-signature change is in the history.
    for cosignature in proposal.cosignatures.filter(deputy_id__in=current - wanted):
        cosignature.delete()
    for deputy_id in wanted - current:
        Cosignature.objects.create(proposal=proposal, deputy_id=deputy_id)
    return proposal


DUE_MONTHS = 3  # supervision.dashboard.services.ON_TIME_MONTHS: the default 办理期限


def default_due_date(proposal: Proposal):
    from supervision.dashboard.services import add_months

    return add_months(proposal.submitted_date, DUE_MONTHS)


def set_units(proposal: Proposal, lead_units, assist_units) -> None:
    """The proposal's 主办 and 会办 units: Proposal.handling_units is their union and each
    has one Assignment (a new one due DUE_MONTHS after submission). A unit taken off loses
    its Assignment and reply. A unit named in both lists is 主办."""
    roles = {u.pk: Assignment.Role.ASSIST for u in assist_units}
    roles.update({u.pk: Assignment.Role.LEAD for u in lead_units})
    proposal.handling_units.set(list(roles))
    held = {a.unit_id: a for a in proposal.assignments.all()}
    for unit_id, assignment in held.items():
        if unit_id not in roles:
            assignment.delete()
        elif assignment.role != roles[unit_id]:
            assignment.role = roles[unit_id]
            assignment.save()
    for unit_id, role in roles.items():
        if unit_id not in held:
            Assignment.objects.create(
                proposal=proposal, unit_id=unit_id, role=role,
                due_date=default_due_date(proposal),
            )  # fmt: skip
    sync_reply(proposal)


def sync_reply(proposal: Proposal) -> None:
    """The proposal's reply follows from its units' replies: it is replied (答复) once every
    主办 unit has replied, on the last 主办 reply's date, with the 主办 replies as its text.
    会办 replies are shown with their unit and do not decide it. 办结 stays an explicit act
    (transition). Until some 主办 unit has replied, the proposal keeps the reply it has (one
    registered for the whole proposal, or a date fed by the ledger's 答复日期). Only 办理中
    moves to 答复 here, and back when a 主办 reply is missing again."""
    leads = [a for a in proposal.assignments.select_related("unit") if a.role == a.Role.LEAD]
    if not any(a.replied for a in leads):
        return
    status = proposal.status
    if all(a.replied for a in leads):
        reply = "\n\n".join(f"【{a.unit.name}】{a.reply.strip()}" for a in leads)
        day = max(a.reply_date for a in leads)
        if proposal.status == S.HANDLING:
            proposal.status = S.REPLIED
    else:
        reply, day = "", None
        if proposal.status == S.REPLIED:
            proposal.status = S.HANDLING  # a 主办 unit was added, or its reply taken back
    if (proposal.reply, proposal.reply_date, proposal.status) != (reply, day, status):
        proposal.reply, proposal.reply_date = reply, day
        proposal.save()


@transaction.atomic
def record_unit_reply(assignment: Assignment, reply: str, reply_date, due_date, letter) -> None:
    """One unit's reply (and its 办理期限, and an optional 答复函, checked by content like an
    activity's attachments). Only while the proposal is 办理中 or 答复. A new letter replaces
    the old one; the old file goes once this commits, a refused one is never stored."""
    from activities.attachments.services import check_upload

    proposal = Proposal.objects.select_for_update().get(pk=assignment.proposal_id)
    if proposal.status not in (S.HANDLING, S.REPLIED):
        raise ValidationError(_("只有“办理中”或“答复”状态的议案建议可以登记答复。"))
    reply = (reply or "").strip()
    if bool(reply) != bool(reply_date):
        raise ValidationError(_("答复内容和答复日期须同时填写。"))
    if reply_date and reply_date < proposal.submitted_date:
        raise ValidationError(_("答复日期不能早于提出日期。"))
    if due_date and due_date < proposal.submitted_date:
        raise ValidationError(_("办理期限不能早于提出日期。"))
    old_letter = None
    if letter is not None:
        _kind, content_type = check_upload(letter)
        old_letter = assignment.letter.name or None
        assignment.letter.save(letter.name, letter, save=False)
        assignment.letter_name, assignment.letter_type = letter.name[:200], content_type
        stored, storage = assignment.letter.name, assignment.letter.storage
    assignment.reply, assignment.reply_date, assignment.due_date = reply, reply_date, due_date
    try:
        assignment.save()
        sync_reply(proposal)
    except Exception:  # nothing half-saved: the new file goes with the refused row
        if letter is not None:
            storage.delete(stored)
        raise
    if old_letter:
        storage = assignment.letter.storage
        transaction.on_commit(lambda: storage.delete(old_letter))


@transaction.atomic
def delete_proposal(proposal: Proposal) -> None:
    proposal.cosignatures.all().delete()
    proposal.delete()


@transaction.atomic
def transition(proposal: Proposal, status: str) -> Proposal:
    """One step along the handling lifecycle. 撤回 is not a step: it asks for a reason and a
    confirmation (withdraw())."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if status == S.WITHDRAWN:
        raise ValidationError(_("撤回须填写理由并确认，请使用“撤回”按钮。"))
    if status not in allowed_transitions(proposal):
        raise ValidationError(
            _("办理状态不能从“%(a)s”变为“%(b)s”。")
            % {
                "a": proposal.get_status_display(),
                "b": S(status).label if status in S.values else status,
            }  # fmt: skip
        )
    if status == S.REPLIED and not (proposal.reply.strip() and proposal.reply_date):
        raise ValidationError(_("请先填写答复内容和答复日期。"))
    proposal.status = status
    proposal.save()
    if status == S.REPLIED:
        _notify_replied(proposal)
    return proposal


def _notify_replied(proposal: Proposal) -> None:
    """答复: the lead is asked for the 办理评价 (Art. 19), the co-signers are told. One
    outcome per reply date, so correcting a reply's text tells no one twice."""
    what = {"k": proposal.get_kind_display(), "t": proposal.title}
    url = reverse("proposals:proposal_detail", args=[proposal.pk])
    period = f"proposal{proposal.pk}-{proposal.reply_date.isoformat()}"
    body = _("答复日期：%(d)s\n答复内容：%(r)s") % {
        "d": proposal.reply_date.isoformat(),
        "r": proposal.reply.strip(),
    }
    outcomes = [
        notifications.Outcome(
            proposal.lead.user_id,
            "evaluation_requested",
            period,
            _("您领衔的%(k)s已答复，请评价办理结果：%(t)s") % what,
            body + "\n" + _("请在议案建议页面填写办理评价（办理态度、办理结果、满意度）。"),
            url,
        )
    ]
    cosigners = proposal.cosigners.filter(user__isnull=False).values_list("user_id", flat=True)
    outcomes += [
        notifications.Outcome(
            user_id, "proposal_replied", period, _("您附议的%(k)s已答复：%(t)s") % what, body, url
        )
        for user_id in cosigners
    ]
    notifications.notify(outcomes)


@transaction.atomic
def record_reply(proposal: Proposal, reply: str, reply_date) -> Proposal:
    """The handling unit's reply; recording it moves 办理中 to 答复."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (S.HANDLING, S.REPLIED):
        raise ValidationError(_("只有“办理中”或“答复”状态的议案建议可以登记答复。"))
    if not (reply or "").strip() or not reply_date:
        raise ValidationError(_("请填写答复内容和答复日期。"))
    if reply_date < proposal.submitted_date:
        raise ValidationError(_("答复日期不能早于提出日期。"))
    proposal.reply, proposal.reply_date, proposal.status = reply, reply_date, S.REPLIED
    proposal.save()
    _notify_replied(proposal)
    return proposal


@transaction.atomic
def withdraw(proposal: Proposal, reason: str) -> Proposal:
    """撤回 an open proposal with a reason; it stops counting for Art. 18. The reason is kept
    on the proposal and in its history, and the state it left is kept for undo_withdrawal."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    reason = (reason or "").strip()
    if S.WITHDRAWN not in allowed_transitions(proposal):
        raise ValidationError(
            _("“%(s)s”状态的议案建议不能撤回。") % {"s": proposal.get_status_display()}
        )
    if not reason:
        raise ValidationError({"reason": _("请填写撤回理由。")})
    proposal.withdrawn_from, proposal.status = proposal.status, S.WITHDRAWN
    proposal.withdraw_reason = reason
    proposal._change_reason = _("撤回：%(r)s") % {"r": reason}
    proposal.save()
    return proposal


@transaction.atomic
def undo_withdrawal(proposal: Proposal) -> Proposal:
    """Office staff take a withdrawal back: the proposal returns to the state it was
    withdrawn from (提交 when that is unknown, e.g. withdrawn by the ledger import) and counts
    again. The reason leaves the page; the history keeps it and records the undo."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != S.WITHDRAWN:
        raise ValidationError(_("该议案建议未撤回。"))
    proposal.status = proposal.withdrawn_from or S.SUBMITTED
    proposal.withdrawn_from, proposal.withdraw_reason = "", ""
    proposal._change_reason = _("撤销撤回")
    proposal.save()
    return proposal


def is_lead_user(user, proposal: Proposal) -> bool:
    return bool(user.is_authenticated and proposal.lead.user_id == user.pk)


@transaction.atomic
def evaluate(proposal: Proposal, user, attitude, result, overall, comment) -> tuple:
    """The lead deputy's own evaluation. 不满意 reopens handling once (back to 办理中).

    Returns (evaluation, reopened_now).
    """
    proposal = Proposal.objects.select_for_update().select_related("lead").get(pk=proposal.pk)
    if not is_lead_user(user, proposal):
        raise ValidationError(_("只有领衔代表本人可以评价办理情况。"))
    if proposal.status not in EVALUABLE:
        raise ValidationError(_("议案建议答复后才能评价办理情况。"))
    # Each of the three choices must be made (issue 11, item 6): none is assumed.
    for value, message in (
        (attitude, _("请选择办理态度。")),
        (result, _("请选择办理结果。")),
        (overall, _("请选择满意度。")),
    ):
        if value not in Satisfaction.values:
            raise ValidationError(message)
    evaluation, _created = ProposalEvaluation.objects.update_or_create(
        proposal=proposal,
        defaults={
            "attitude": attitude,
            "result": result,
            "overall": overall,
            "comment": comment,
            "evaluated_by": user,
        },
    )
    reopen = overall == Satisfaction.UNSATISFIED and not proposal.reopened
    if reopen:
        proposal.status, proposal.reopened = S.HANDLING, True
        proposal.save()
    return evaluation, reopen
