"""Masking (个人信息保护法): who sees deputies' mobiles/birth dates and constituents' phones and
addresses in full, on every page and export that shows them (deputies.privacy)."""

from datetime import date

import pytest
from django.urls import reverse

from deputies import privacy

from .conftest import (
    ADDRESS,
    ADDRESS_MASKED,
    BIRTH,
    MOBILE,
    MOBILE_MASKED,
    PHONE,
    PHONE_MASKED,
    xlsx_text,
)

pytestmark = pytest.mark.django_db

# Who may see D's own mobile and birth date, and who may see D's constituents' contacts.
DEPUTY_FULL = {"office", "town", "leader", "deputy"}
DEPUTY_MASKED = {"head", "secretary", "qualification", "committee", "leadership"}
CONSTITUENT_FULL = {"office", "deputy"}
CONSTITUENT_MASKED = {"town", "leader", "head", "secretary", "qualification", "committee",
                      "leadership"}  # fmt: skip


def test_mask_functions():
    assert privacy.mask_phone("13812341234") == "138****1234"
    assert privacy.mask_phone("021-5953") == "****5953"
    assert privacy.mask_phone("12345") == "*****"
    assert privacy.mask_address("南翔镇德园路12号") == "南翔镇****"
    assert privacy.mask_address("上海市嘉定区南翔镇德园路12号") == "上海市嘉定区南翔镇****"
    assert privacy.mask_address("德园") == "德****"
    assert privacy.mask_birth_date(date(1970, 5, 6)) == "1970年"


@pytest.mark.parametrize("who", sorted(DEPUTY_FULL | DEPUTY_MASKED))
def test_deputy_file_mobile_and_birth_date(world, client_for, who):
    html = client_for(getattr(world, who)).get(reverse("deputies:detail", args=[world.d.pk]))
    html = html.content.decode()
    if who in DEPUTY_FULL:
        assert MOBILE in html and BIRTH.isoformat() in html
    else:
        assert MOBILE_MASKED in html and "1970年" in html
        assert MOBILE not in html and BIRTH.isoformat() not in html


@pytest.mark.parametrize("who", sorted(CONSTITUENT_FULL | CONSTITUENT_MASKED))
def test_deputy_file_constituents(world, client_for, who):
    html = client_for(getattr(world, who)).get(reverse("deputies:detail", args=[world.d.pk]))
    html = html.content.decode()
    if who in CONSTITUENT_FULL:
        assert PHONE in html and ADDRESS in html
    else:
        assert PHONE_MASKED in html and ADDRESS_MASKED in html
        assert PHONE not in html and "德园路" not in html


@pytest.mark.parametrize("who", ["office", "deputy", "town", "leader", "leadership"])
def test_liaison_list_xlsx(world, client_for, who):
    response = client_for(getattr(world, who)).get(
        reverse("deputies:constituents_xlsx", args=[world.d.pk])
    )
    text = xlsx_text(response.content)
    if who in CONSTITUENT_FULL:
        assert PHONE in text and ADDRESS in text
    else:
        assert PHONE_MASKED in text and ADDRESS_MASKED in text
        assert PHONE not in text and "德园路" not in text


@pytest.mark.parametrize("who", ["office", "deputy", "town", "leader", "leadership"])
def test_communications_page_and_xlsx(world, client_for, who):
    client = client_for(getattr(world, who))
    url = reverse("activities:communication_list")
    html = client.get(url).content.decode()
    text = xlsx_text(client.get(url, {"format": "xlsx"}).content)
    assert "张选民" in html and "张选民" in text
    for shown in (html, text):
        if who in CONSTITUENT_FULL:
            assert PHONE in shown
        else:
            assert PHONE_MASKED in shown and PHONE not in shown


def test_communication_form_masks_for_town_staff(world, client_for):
    url = reverse("activities:communication_create")
    html = client_for(world.town).get(url, {"deputy": world.d.pk}).content.decode()
    assert "张选民" in html and PHONE_MASKED in html and PHONE not in html
    html = client_for(world.office).get(url, {"deputy": world.d.pk}).content.decode()
    assert PHONE in html


def test_constituent_edit_form_hides_and_keeps_contact(world, client_for):
    """Town staff correct the list without seeing the contact details: a blank field keeps
    what is there, a typed one replaces it."""
    client = client_for(world.town)
    url = reverse("deputies:constituent_edit", args=[world.constituent.pk])
    html = client.get(url).content.decode()
    assert PHONE not in html and "德园路" not in html
    assert PHONE_MASKED in html and ADDRESS_MASKED in html
    response = client.post(url, {"name": "张选民", "phone": "", "address": ""})
    assert response.status_code == 302
    world.constituent.refresh_from_db()
    assert (world.constituent.phone, world.constituent.address) == (PHONE, ADDRESS)
    client.post(url, {"name": "张选民", "phone": "13700001111", "address": ""})
    world.constituent.refresh_from_db()
    assert (world.constituent.phone, world.constituent.address) == ("13700001111", ADDRESS)


def test_office_edit_form_shows_contact(world, client_for):
    url = reverse("deputies:constituent_edit", args=[world.constituent.pk])
    html = client_for(world.office).get(url).content.decode()
    assert PHONE in html and ADDRESS in html


def test_feedback_sheet_and_evaluation_workbook_hold_no_contact(world, client_for):
    """The deputy's feedback sheet names constituents but holds no phone or address; the
    evaluation workbook (a DESIGN.md contract) has no personal field at all."""
    sheet = client_for(world.deputy).get(reverse("supervision:my_feedback"), {"year": 2024})
    assert sheet.status_code == 200
    text = xlsx_text(sheet.content)
    assert "王代表" in text and PHONE not in text and "德园路" not in text and MOBILE not in text
    workbook = client_for(world.office).get(reverse("evaluation:download"), {"year": 2024})
    text = xlsx_text(workbook.getvalue())
    assert "王代表" in text
    assert PHONE not in text and MOBILE not in text and BIRTH.isoformat() not in text


def test_erased_contact_says_so(world, client_for):
    world.constituent.phone, world.constituent.address = "", ""
    world.constituent.contact_erased_on = date(2024, 1, 1)
    world.constituent.save()
    html = client_for(world.office).get(reverse("deputies:detail", args=[world.d.pk]))
    assert "已删除" in html.content.decode()


def test_admin_shows_full_values_to_office_staff(world, client_for, make_user):
    """The admin is for office staff (is_staff) only: full values there are by design."""
    from deputies.models import Role

    admin = make_user("admin_office", [(Role.OFFICE_STAFF, None)], is_staff=True,
                      is_superuser=True)  # fmt: skip
    html = client_for(admin).get(reverse("admin:deputies_constituent_changelist"))
    assert PHONE in html.content.decode()
    assert client_for(world.town).get(reverse("admin:index")).status_code == 302
