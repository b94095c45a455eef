import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import Proposal, ProposalEvaluation

LIST = reverse("proposals:proposal_list")
NEW = reverse("proposals:proposal_create")


def url(name, p):
    return reverse(f"proposals:{name}", args=[p.pk])


def _form(w, **kw):
    data = {
        "term": w.term.pk,
        "number": "J100",
        "kind": "motion",
        "title": "关于改善公交的议案",
        "submitted_date": "2024-01-15",
        "lead": w.lead.pk,
        "cosigners": [w.co.pk],
        "lead_units": [w.unit.pk],
        "assist_units": [w.unit2.pk],
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_office_creates_with_cosigners_and_units(pworld, client_for):
    response = client_for(pworld.office).post(NEW, _form(pworld))
    assert response.status_code == 302
    p = Proposal.objects.get(number="J100")
    assert list(p.cosigners.all()) == [pworld.co]
    assert p.handling_units.count() == 2
    assert p.status == "submitted"


@pytest.mark.django_db
def test_create_refuses_lead_as_cosigner_and_out_of_office(pworld, client_for):
    client = client_for(pworld.office)
    response = client.post(NEW, _form(pworld, cosigners=[pworld.lead.pk, pworld.co.pk]))
    assert "领衔代表不能同时是附议代表" in response.content.decode()
    response = client.post(NEW, _form(pworld, cosigners=[pworld.late.pk]))
    assert "附议代表 王三 在提出日期不在任职期间" in response.content.decode()
    response = client.post(NEW, _form(pworld, lead=pworld.late.pk, cosigners=[]))
    assert "领衔代表在提出日期不在任职期间" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_only_office_may_create_edit_delete(pworld, client_for, make_proposal):
    p = make_proposal()
    for user in (pworld.town, pworld.lead_user, pworld.leadership):
        assert client_for(user).get(NEW).status_code == 404
        assert client_for(user).get(url("proposal_edit", p)).status_code == 404
        assert client_for(user).post(url("proposal_delete", p)).status_code == 404
    client = client_for(pworld.office)
    assert "确认删除" in client.get(url("proposal_delete", p)).content.decode()
    client.post(url("proposal_delete", p))
    assert not Proposal.objects.exists()
    assert Proposal.history.filter(id=p.pk, history_type="-").exists()


@pytest.mark.django_db
def test_edit_changes_cosigners(pworld, client_for, make_proposal):
    p = make_proposal(cosigners=[pworld.co])
    response = client_for(pworld.office).post(
        url("proposal_edit", p), _form(pworld, number="J001", cosigners=[pworld.south_dep.pk])
    )
    assert response.status_code == 302
    assert list(p.cosigners.all()) == [pworld.south_dep]


@pytest.mark.django_db
def test_list_scope_filters_and_xlsx(pworld, client_for, make_proposal):
    a = make_proposal("J001")
    a.handling_units.add(pworld.unit)
    make_proposal("J002", lead=pworld.south_dep, status="handling")
    make_proposal("J003", lead=pworld.co)

    def numbers(user, **params):
        response = client_for(user).get(LIST, params)
        assert response.status_code == 200
        return [p.number for p in response.context["page"]]

    assert numbers(pworld.office, sort="number") == ["J001", "J002", "J003"]
    assert numbers(pworld.town, sort="number") == ["J001", "J003"]
    assert numbers(pworld.lead_user) == ["J001"]
    assert numbers(pworld.office, status="handling") == ["J002"]
    assert numbers(pworld.office, unit=pworld.unit.pk) == ["J001"]
    assert numbers(pworld.office, delegation=pworld.south.pk) == ["J002"]
    assert client_for(pworld.nobody).get(LIST).status_code == 404
    assert client_for(pworld.south_town).get(url("proposal_detail", a)).status_code == 404
    response = client_for(pworld.town).get(LIST, {"format": "xlsx", "sort": "-number"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["J003", "J001"]
    assert "满意度" not in rows[0]


@pytest.mark.django_db
def test_list_query_count_bounded(pworld, client_for, make_proposal, django_assert_max_num_queries):
    client = client_for(pworld.office)
    for i in range(3):
        make_proposal(f"A{i}", cosigners=[pworld.co]).handling_units.add(pworld.unit)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST)
    for i in range(30):
        make_proposal(f"B{i}", cosigners=[pworld.co]).handling_units.add(pworld.unit, pworld.unit2)
    with django_assert_max_num_queries(20) as large:
        client.get(LIST)
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(20):
        client.get(LIST, {"format": "xlsx"})
    p = Proposal.objects.first()
    with django_assert_max_num_queries(20):
        assert client.get(url("proposal_detail", p)).status_code == 200


@pytest.mark.django_db
def test_transitions_along_lifecycle(pworld, client_for, make_proposal):
    p = make_proposal()
    client = client_for(pworld.office)
    move = url("proposal_transition", p)
    response = client.post(move, {"status": "closed"}, follow=True)
    assert "办理状态不能从“提交”变为“办结”" in response.content.decode()
    for status in ("registered", "assigned", "handling"):
        client.post(move, {"status": status})
        p.refresh_from_db()
        assert p.status == status
    response = client.post(move, {"status": "replied"}, follow=True)
    assert "请先填写答复内容和答复日期" in response.content.decode()
    client.post(url("proposal_reply", p), {"reply": "已增开线路", "reply_date": "2024-05-01"})
    p.refresh_from_db()
    assert (p.status, p.reply_date) == ("replied", date(2024, 5, 1))
    client.post(move, {"status": "closed"})
    p.refresh_from_db()
    assert p.status == "closed"
    client.post(url("proposal_withdraw", p), {"reason": "重复提出"})
    p.refresh_from_db()
    assert p.status == "closed"  # 撤回 only from an open state
    # 撤回 is not a one-click status step: it needs the confirmation page and a reason.
    q = make_proposal("J009", status="assigned")
    response = client.post(url("proposal_transition", q), {"status": "withdrawn"}, follow=True)
    assert "撤回须填写理由并确认" in response.content.decode()
    q.refresh_from_db()
    assert q.status == "assigned"
    assert (
        client_for(pworld.town).post(url("proposal_transition", q), {"status": "x"}).status_code
        == 404
    )


def _evaluate(client, p, overall):
    return client.post(
        url("proposal_evaluate", p),
        {"attitude": "satisfied", "result": overall, "overall": overall, "comment": "意见"},
        follow=True,
    )


@pytest.mark.django_db
def test_evaluation_only_by_lead_after_reply(pworld, client_for, make_proposal):
    p = make_proposal(status="handling", cosigners=[pworld.co])
    response = _evaluate(client_for(pworld.lead_user), p, "satisfied")
    assert "答复后才能评价" in response.content.decode()
    assert not ProposalEvaluation.objects.exists()
    p.status = "replied"
    p.save()
    # A co-signer, office staff: no.
    assert _evaluate(client_for(pworld.co_user), p, "satisfied").status_code == 404
    assert _evaluate(client_for(pworld.office), p, "satisfied").status_code == 404
    assert not ProposalEvaluation.objects.exists()
    _evaluate(client_for(pworld.lead_user), p, "satisfied")
    evaluation = ProposalEvaluation.objects.get()
    assert (evaluation.overall, evaluation.evaluated_by) == ("satisfied", pworld.lead_user)


@pytest.mark.django_db
def test_evaluation_hidden_from_others(pworld, client_for, make_proposal):
    p = make_proposal(status="replied", cosigners=[pworld.co])
    ProposalEvaluation.objects.create(proposal=p, overall="unsatisfied", comment="秘密意见")
    detail = url("proposal_detail", p)
    for user in (pworld.lead_user, pworld.office, pworld.leadership):
        assert "秘密意见" in client_for(user).get(detail).content.decode()
    for user in (pworld.co_user, pworld.town):
        text = client_for(user).get(detail).content.decode()
        assert "秘密意见" not in text and "不满意" not in text


@pytest.mark.django_db
def test_unsatisfied_reopens_once(pworld, client_for, make_proposal):
    p = make_proposal(status="replied")
    lead = client_for(pworld.lead_user)
    response = _evaluate(lead, p, "unsatisfied")
    assert "已退回重新办理" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.reopened) == ("handling", True)
    client_for(pworld.office).post(
        url("proposal_reply", p), {"reply": "再次答复", "reply_date": "2024-08-01"}
    )
    p.refresh_from_db()
    assert p.status == "replied"
    _evaluate(lead, p, "unsatisfied")
    p.refresh_from_db()
    assert (p.status, p.reopened) == ("replied", True)
    assert ProposalEvaluation.objects.get().overall == "unsatisfied"
