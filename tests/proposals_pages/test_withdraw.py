"""撤回 asks for confirmation and a reason, shows the reason, and office staff can undo it
(issue 11, item 5)."""

import pytest
from django.urls import reverse

from proposals.models import Proposal


def url(name, p):
    return reverse(f"proposals:{name}", args=[p.pk])


@pytest.mark.django_db
def test_withdraw_asks_confirmation_then_needs_a_reason(pworld, client_for, make_proposal):
    p = make_proposal(status="assigned")
    client = client_for(pworld.office)
    detail = client.get(url("proposal_detail", p)).content.decode()
    # The page offers a link to the confirmation page, not a one-click form.
    assert f'href="{url("proposal_withdraw", p)}"' in detail
    assert 'value="withdrawn"' not in detail
    page = client.get(url("proposal_withdraw", p)).content.decode()
    assert "确定要撤回“J001 关于J001的建议”吗？" in page
    assert 'name="reason"' in page
    p.refresh_from_db()
    assert p.status == "assigned"  # opening the confirmation changes nothing
    response = client.post(url("proposal_withdraw", p), {"reason": "  "})
    assert response.status_code == 200
    assert "请填写撤回理由。" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.withdraw_reason) == ("assigned", "")


@pytest.mark.django_db
def test_withdraw_stores_and_shows_reason_and_office_undoes(pworld, client_for, make_proposal):
    p = make_proposal(status="handling", cosigners=[pworld.co])
    office = client_for(pworld.office)
    response = office.post(url("proposal_withdraw", p), {"reason": "代表申请撤回，与J002重复"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.withdraw_reason, p.withdrawn_from) == (
        "withdrawn", "代表申请撤回，与J002重复", "handling",
    )  # fmt: skip
    assert Proposal.objects.counting().filter(pk=p.pk).count() == 0
    # The reason is on the proposal for everyone who may open it.
    for user in (pworld.office, pworld.co_user, pworld.town):
        text = client_for(user).get(url("proposal_detail", p)).content.decode()
        assert "代表申请撤回，与J002重复" in text
    # Only office staff are offered, and may use, the undo.
    assert url("proposal_restore", p) in office.get(url("proposal_detail", p)).content.decode()
    town_page = client_for(pworld.town).get(url("proposal_detail", p)).content.decode()
    assert url("proposal_restore", p) not in town_page
    for user in (pworld.town, pworld.lead_user, pworld.leadership):
        assert client_for(user).post(url("proposal_restore", p)).status_code == 404
    p.refresh_from_db()
    assert p.status == "withdrawn"
    confirm = office.get(url("proposal_restore", p)).content.decode()
    assert "该件将恢复为“办理中”状态" in confirm
    office.post(url("proposal_restore", p))
    p.refresh_from_db()
    assert (p.status, p.withdraw_reason, p.withdrawn_from) == ("handling", "", "")
    # Both acts are in the history, newest first, the reason kept there.
    reasons = list(
        Proposal.history.filter(id=p.pk)
        .order_by("-history_id")
        .values_list("history_change_reason", "status", "history_user__username")[:2]
    )
    assert reasons == [
        ("撤销撤回", "handling", "office"),
        ("撤回：代表申请撤回，与J002重复", "withdrawn", "office"),
    ]


@pytest.mark.django_db
def test_only_office_may_withdraw(pworld, client_for, make_proposal):
    p = make_proposal(status="submitted")
    for user in (pworld.town, pworld.lead_user, pworld.leadership):
        response = client_for(user).post(url("proposal_withdraw", p), {"reason": "x"})
        assert response.status_code == 404
    p.refresh_from_db()
    assert p.status == "submitted"


@pytest.mark.django_db
def test_undo_of_imported_withdrawal_returns_to_submitted(pworld, client_for, make_proposal):
    p = make_proposal(status="withdrawn")  # as the ledger import writes it: no previous state
    client_for(pworld.office).post(url("proposal_restore", p))
    p.refresh_from_db()
    assert p.status == "submitted"
