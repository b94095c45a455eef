"""The lead's evaluation form: every choice starts empty and must be made (issue 11, item 6)."""

import re

import pytest
from django.urls import reverse

from proposals.models import ProposalEvaluation


def _selects(html):
    """{select name: [(value, selected)]} of the evaluation form."""
    out = {}
    for name in ("attitude", "result", "overall"):
        block = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        out[name] = [
            (value, bool(sel))
            for value, sel in re.findall(r'<option value="([^"]*)"( selected)?', block)
        ]
    return out


@pytest.mark.django_db
def test_every_choice_starts_empty(pworld, client_for, make_proposal):
    p = make_proposal(status="replied")
    html = client_for(pworld.lead_user).get(reverse("proposals:proposal_detail", args=[p.pk]))
    selects = _selects(html.content.decode())
    for name, options in selects.items():
        assert options[0] == ("", True), name  # the blank 请选择 is the one selected
        assert [v for v, _ in options[1:]] == ["satisfied", "basic", "unsatisfied"], name
        assert not any(sel for _, sel in options[1:]), name


@pytest.mark.django_db
def test_missing_choices_are_named_and_nothing_saved(pworld, client_for, make_proposal):
    p = make_proposal(status="replied")
    response = client_for(pworld.lead_user).post(
        reverse("proposals:proposal_evaluate", args=[p.pk]),
        {"attitude": "satisfied", "result": "", "overall": "", "comment": "意见"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "评价未提交：请逐项选择。" in text
    assert "请选择办理结果。" in text and "请选择满意度。" in text
    assert "请选择办理态度。" not in text
    # The choice made so far is kept on the page.
    assert _selects(text)["attitude"][1] == ("satisfied", True)
    assert not ProposalEvaluation.objects.exists()
    p.refresh_from_db()
    assert p.status == "replied"


@pytest.mark.django_db
def test_service_refuses_a_missing_choice(pworld, make_proposal):
    from django.core.exceptions import ValidationError

    from proposals import services

    p = make_proposal(status="replied")
    with pytest.raises(ValidationError, match="请选择办理态度"):
        services.evaluate(p, pworld.lead_user, "", "satisfied", "satisfied", "")
    assert not ProposalEvaluation.objects.exists()
