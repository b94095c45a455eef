"""A small world for the privacy tests: one deputy (D) with a mobile number, a birth date and
a liaison list, and a user for every role that can open D's file (D takes part in an
activity of the committee staff's organiser, so they see D: deputies.scopes)."""

from datetime import date
from types import SimpleNamespace

import pytest

MOBILE, MOBILE_MASKED = "13812341234", "138****1234"
PHONE, PHONE_MASKED = "13912345678", "139****5678"
ADDRESS, ADDRESS_MASKED = "南翔镇德园路12号", "南翔镇****"
BIRTH = date(1970, 5, 6)


@pytest.fixture
def world(db, term, make_delegation, make_group, make_deputy, make_user):
    from activities.models import Activity, Communication, Participation
    from deputies.models import Constituent, Organiser, Role

    south, north = make_delegation("南翔镇"), make_delegation("江桥镇")
    leader_user = make_user("leader")
    leader = make_deputy(term, "N00", name="组长", delegation=south, user=leader_user)
    group = make_group(term, south, "南翔一组", leader=leader)
    leader.group = group
    leader.save()
    deputy_user = make_user("deputy")
    d = make_deputy(
        term, "N01", name="王代表", group=group, user=deputy_user, mobile=MOBILE, birth_date=BIRTH
    )
    other_user = make_user("other_deputy")
    make_deputy(term, "J01", name="江代表", delegation=north, user=other_user)
    constituent = Constituent.objects.create(deputy=d, name="张选民", phone=PHONE, address=ADDRESS)
    comm = Communication.objects.create(deputy=d, date=date(2024, 3, 1), method="visit")
    comm.constituents.add(constituent)
    law_committee = Organiser.objects.create(name="法制委")
    activity = Activity.objects.create(
        term=term,
        name="集中视察",
        type="inspection",
        date=date(2024, 4, 1),
        organiser=law_committee,
    )
    Participation.objects.create(activity=activity, deputy=d)
    users = {
        "office": make_user("office", [(Role.OFFICE_STAFF, None)]),
        "town": make_user("town", [(Role.TOWN_STAFF, south)]),
        "other_town": make_user("other_town", [(Role.TOWN_STAFF, north)]),
        "head": make_user("head", [(Role.DELEGATION_HEAD, south)]),
        "secretary": make_user("secretary", [(Role.SECRETARY_GENERAL, None)]),
        "qualification": make_user("qualification", [(Role.QUALIFICATION, None)]),
        "committee": make_user("committee", [(Role.COMMITTEE_STAFF, law_committee)]),
        "leadership": make_user("leadership", [(Role.LEADERSHIP, None)]),
        "leader": leader_user,
        "deputy": deputy_user,
        "other_deputy": other_user,
    }
    return SimpleNamespace(
        term=term, south=south, north=north, group=group, d=d, leader_deputy=leader,
        constituent=constituent, comm=comm, **users,
    )  # fmt: skip


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet of an xlsx, as one string (the file itself is zipped, so a
    search of its bytes would find nothing either way)."""
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content), read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
    )
