"""The session pages are reachable from the navigation for the roles that may use them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_navigation_links_by_role(world, client_for):
    home = reverse("home")
    office = client_for(world.office).get(home).content.decode()
    for name in ("session_list", "leave_list", "speech_list"):
        assert reverse(f"activities:{name}") in office
    assert reverse("activities:leave_queue") not in office
    head = client_for(world.head_a).get(home).content.decode()
    assert reverse("activities:leave_queue") in head
    assert reverse("activities:leave_queue_count") in head
    deputy = client_for(world.deputy_user).get(home, follow=True).content.decode()
    assert reverse("activities:leave_list") in deputy
    assert reverse("activities:session_list") not in deputy
    committee = client_for(world.committee).get(home).content.decode()
    assert reverse("activities:leave_list") not in committee
