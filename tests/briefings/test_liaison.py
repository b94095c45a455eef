"""The 一府一委两院联络员 role: scoped to its organiser for briefings only. Its organiser's
activities (and the deputies taking part) stay out of its reach, unlike committee staff."""

from datetime import timedelta

import pytest
from django.urls import reverse

from activities.models import Activity, Participation
from deputies.models import Role, RoleAssignment
from deputies.scopes import activities_visible_to, deputies_visible_to, user_scope

pytestmark = pytest.mark.django_db


def test_the_liaison_scope_is_for_briefings_only(world):
    activity = Activity.objects.create(
        term=world.term,
        name="区政府工作座谈",
        type=Activity._meta.get_field("type").choices[0][0],
        date=world.today - timedelta(days=3),
        organiser=world.gov,
    )
    Participation.objects.create(activity=activity, deputy=world.zhang)
    scope = user_scope(world.liaison)
    assert scope.roles == {Role.LIAISON}
    assert scope.liaison_organiser_ids == {world.gov.pk}
    assert scope.organiser_ids == frozenset()
    assert list(deputies_visible_to(world.liaison)) == []
    assert list(activities_visible_to(world.liaison)) == []


def test_the_liaison_home_page_names_the_role_and_links_the_briefings(world, client_for):
    html = client_for(world.liaison).get(reverse("home")).content.decode()
    assert "一府一委两院联络员" in html
    assert "以本单位名义向代表通报工作情况" in html
    assert f'href="{reverse("briefings:list")}"' in html


def test_a_liaison_needs_an_organiser(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=world.office, role=Role.LIAISON)
