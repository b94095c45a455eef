"""Examiner (issue 7 review): trying to see a full phone number, address or birth date
where the README's 安全 section says a role sees it masked, and to export personal data
without an export-log row."""

import re
from datetime import date

import pytest
from django.urls import reverse

from deputies import privacy
from deputies.models import Constituent
from supervision.models import ExportLog

from .conftest import ADDRESS, BIRTH, MOBILE, PHONE, xlsx_text

pytestmark = pytest.mark.django_db

CONSTITUENT_MASKED = ("town", "leader", "head", "secretary", "qualification", "committee",
                      "leadership")  # fmt: skip
DEPUTY_MASKED = ("head", "secretary", "qualification", "committee", "leadership")


# --- a short number is masked too ----------------------------------------------------------


@pytest.mark.parametrize("phone", ["59531234", "5953-1234", "021-5953", "0215953123"])
def test_a_landline_keeps_at_most_four_digits_visible(phone):
    """Shanghai landlines have eight digits: 595*1234 would leave one digit to guess."""
    masked = privacy.mask_phone(phone)
    hidden = masked.count("*")
    digits = sum(ch.isdigit() for ch in phone)
    assert hidden >= 4 or hidden == len(phone), masked
    assert sum(ch.isdigit() for ch in masked) <= max(4, digits - 4), masked


@pytest.mark.parametrize("who", CONSTITUENT_MASKED)
def test_a_constituents_landline_is_not_shown_to_a_masked_role(world, client_for, who):
    Constituent.objects.filter(pk=world.constituent.pk).update(phone="59531234")
    html = client_for(getattr(world, who)).get(reverse("deputies:detail", args=[world.d.pk]))
    text = html.content.decode()
    assert "595*1234" not in text and "59531234" not in text
    assert "****1234" in text


# --- the history page never shows the values ----------------------------------------------


@pytest.mark.parametrize("who", ["office", "town", "leader", "deputy", *DEPUTY_MASKED])
def test_history_shows_personal_changes_without_values(world, client_for, who):
    d = world.d
    d.mobile, d.birth_date = "13700001111", date(1971, 2, 3)
    d.save()
    c = world.constituent
    c.phone, c.address = "13600002222", "江桥镇金沙路8号"
    c.save()
    url = (
        reverse("deputies:my_history")
        if who == "deputy"
        else reverse("deputies:history", args=[d.pk])
    )
    response = client_for(getattr(world, who)).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已修改" in text
    for value in (MOBILE, "13700001111", BIRTH.isoformat(), "1971-02-03", PHONE,
                  "13600002222", ADDRESS, "江桥镇金沙路8号", "金沙路"):  # fmt: skip
        assert value not in text, value


# --- an erased contact's placeholder never shows -------------------------------------------


def test_the_erasure_placeholder_is_never_shown(world, client_for):
    Constituent.objects.filter(pk=world.constituent.pk).update(
        phone=f"{privacy.ERASED_PHONE_PREFIX}{world.constituent.pk}",
        address="",
        contact_erased_on=date(2026, 1, 1),
    )
    client = client_for(world.office)
    pages = [
        client.get(reverse("deputies:detail", args=[world.d.pk])).content.decode(),
        client.get(reverse("activities:communication_list")).content.decode(),
        client.get(
            reverse("deputies:constituent_edit", args=[world.constituent.pk])
        ).content.decode(),
        client.get(
            reverse("activities:communication_create"), {"deputy": world.d.pk}
        ).content.decode(),
        client.get(reverse("activities:communication_edit", args=[world.comm.pk])).content.decode(),
        xlsx_text(client.get(reverse("deputies:constituents_xlsx", args=[world.d.pk])).content),
        xlsx_text(client.get(reverse("activities:communication_list"), {"format": "xlsx"}).content),
    ]
    for page in pages:
        assert privacy.ERASED_PHONE_PREFIX not in page


# --- other pages naming constituents -------------------------------------------------------


def test_communication_edit_page_names_constituents_without_contacts(world, client_for):
    url = reverse("activities:communication_edit", args=[world.comm.pk])
    text = client_for(world.town).get(url).content.decode()
    assert "张选民" in text
    assert PHONE not in text and ADDRESS not in text


def test_a_full_constituent_phone_is_not_in_any_page_for_town_staff(world, client_for):
    """Every page town staff reach from D's file, lists included, as rendered."""
    client = client_for(world.town)
    urls = [
        reverse("deputies:detail", args=[world.d.pk]),
        reverse("deputies:history", args=[world.d.pk]),
        reverse("deputies:constituent_edit", args=[world.constituent.pk]),
        reverse("deputies:constituent_delete", args=[world.constituent.pk]),
        reverse("activities:communication_list"),
        reverse("activities:communication_edit", args=[world.comm.pk]),
        reverse("activities:communication_delete", args=[world.comm.pk]),
        reverse("supervision:review_list"),
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert not re.search(PHONE[:3] + r"\d{4}" + PHONE[-4:], text), url
        assert ADDRESS not in text, url


# --- (4) export log: a database backup holds every personal field ---------------------------


@pytest.mark.postgres
def test_a_backup_is_recorded_in_the_export_log(world, tmp_path):
    from django.core.management import call_command

    before = ExportLog.objects.count()
    call_command("backup", output=str(tmp_path / "b.dump"))
    log = ExportLog.objects.order_by("-pk").first()
    assert ExportLog.objects.count() == before + 1
    assert log.kind == "backup"
    assert log.masked is False
    assert "b.dump" in log.description
    assert log.username.startswith("命令行")


@pytest.mark.postgres
def test_a_failed_backup_is_not_recorded(world, tmp_path, monkeypatch):
    import subprocess

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from supervision.management.commands import backup

    def failing(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "pg_dump: error: disk full")

    monkeypatch.setattr(backup.subprocess, "run", failing)
    before = ExportLog.objects.count()
    with pytest.raises(CommandError):
        call_command("backup", output=str(tmp_path / "b.dump"))
    assert ExportLog.objects.count() == before
