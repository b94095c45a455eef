"""Retention of constituents' contact details: CONSTITUENT_CONTACT_RETENTION_DAYS after the
deputy's service ended, phone and address are blanked here and in the history."""

from datetime import date

import pytest
from django.core.management import call_command

from activities.models import Communication
from deputies.models import Constituent
from deputies.privacy import ERASED_PHONE_PREFIX, erase_expired_constituent_contacts
from supervision.evaluation.compliance import evaluate_year

from .conftest import ADDRESS, PHONE

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 1)  # cutoff with 730 days: 2022-06-02
History = Constituent.history.model


@pytest.fixture
def old(world, make_term, make_deputy):
    """A deputy of the last term (ended 2021-12-31) with five constituents, two of them with
    the same name, each reached twice in 2021; and a deputy of this term who left early."""
    term6 = make_term("第六届", date(2017, 1, 1), date(2021, 12, 31))
    deputy = make_deputy(term6, "L01", name="老代表", service_end=date(2021, 12, 31))
    people = [
        Constituent.objects.create(deputy=deputy, name=name, phone=phone, address=f"{name}家")
        for name, phone in [
            ("张三", "13000000001"),
            ("张三", "13000000002"),
            ("李四", "13000000003"),
            ("王五", ""),
            ("赵六", "13000000005"),
        ]
    ]
    # An earlier number, kept by the history: it must go too.
    people[2].phone = "13000000033"
    people[2].save()
    people[2].phone = "13000000003"
    people[2].save()
    for day in (date(2021, 3, 1), date(2021, 9, 1)):
        comm = Communication.objects.create(deputy=deputy, date=day, method="visit")
        comm.constituents.set(people)
    left = make_deputy(world.term, "N09", name="早离任", service_end=date(2022, 3, 1))
    Constituent.objects.create(deputy=left, name="孙七", phone="13000000007", address="孙七家")
    return deputy, left


def art15(year):
    return {
        (row.deputy.code, r.rule.code): r.text
        for row in evaluate_year(year).rows
        for r in row.results
        if r.rule.code.startswith("ART15")
    }


def test_expired_contacts_erased_with_history(world, old):
    deputy, left = old
    before = art15(2021)
    assert before[("L01", "ART15_VOTERS")] == "5/5"
    result = erase_expired_constituent_contacts(TODAY)
    assert (result.deputies, result.constituents) == (2, 6)
    for c in Constituent.objects.filter(deputy__in=[deputy, left]):
        assert c.address == "" and c.contact_erased_on == TODAY
        assert c.phone == "" or c.phone == f"{ERASED_PHONE_PREFIX}{c.pk}"
    # The two 张三 do not collide: one blank, the other a unique placeholder.
    phones = sorted(
        Constituent.objects.filter(deputy=deputy, name="张三").values_list("phone", flat=True)
    )
    assert phones[0] == "" and phones[1].startswith(ERASED_PHONE_PREFIX)
    # Names stay, and so do the counts.
    assert set(Constituent.objects.filter(deputy=deputy).values_list("name", flat=True)) == {
        "张三", "李四", "王五", "赵六"
    }  # fmt: skip
    assert art15(2021) == before
    # Nothing of the old numbers is left in the history.
    erased_history = History.objects.filter(deputy_id__in=[deputy.pk, left.pk])
    assert erased_history.count() >= 7
    assert not erased_history.exclude(phone="", address="").exists()
    assert not History.objects.filter(phone__startswith="130").exists()


def test_in_office_untouched(world, old):
    erase_expired_constituent_contacts(TODAY)
    world.constituent.refresh_from_db()
    assert (world.constituent.phone, world.constituent.address) == (PHONE, ADDRESS)
    assert world.constituent.contact_erased_on is None
    assert History.objects.filter(id=world.constituent.pk, phone=PHONE).exists()


def test_not_yet_expired(world, old, settings):
    settings.CONSTITUENT_CONTACT_RETENTION_DAYS = 3650
    assert erase_expired_constituent_contacts(TODAY).constituents == 0
    assert Constituent.objects.filter(phone="13000000001").exists()


def test_term_end_counts_when_a_period_is_open(world, make_term, make_deputy):
    """A deputy whose period was never closed ends with the term."""
    term5 = make_term("第五届", date(2012, 1, 1), date(2016, 12, 31))
    deputy = make_deputy(term5, "F01")
    Constituent.objects.create(deputy=deputy, name="周八", phone="13000000008")
    assert erase_expired_constituent_contacts(TODAY).constituents == 1
    assert not Constituent.objects.filter(phone="13000000008").exists()


def test_dry_run_changes_nothing(world, old):
    snapshot = list(Constituent.objects.order_by("pk").values())
    history = History.objects.count()
    result = erase_expired_constituent_contacts(TODAY, dry_run=True)
    assert (result.deputies, result.constituents) == (2, 6) and result.history_rows >= 7
    assert list(Constituent.objects.order_by("pk").values()) == snapshot
    assert History.objects.count() == history


def test_rerun_is_idempotent(world, old):
    erase_expired_constituent_contacts(TODAY)
    snapshot = list(Constituent.objects.order_by("pk").values())
    history = History.objects.count()
    again = erase_expired_constituent_contacts(date(2024, 7, 1))
    assert (again.deputies, again.constituents) == (0, 0)
    assert list(Constituent.objects.order_by("pk").values()) == snapshot
    assert History.objects.count() == history


def test_command_and_task(world, old, capsys):
    from supervision.models import JobRun
    from supervision.tasks import erase_constituent_contacts

    call_command("erase_constituent_contacts", "--dry-run")
    assert "将删除 2 名代表" in capsys.readouterr().out
    assert Constituent.objects.filter(phone="13000000001").exists()
    call_command("erase_constituent_contacts")
    assert "已删除 2 名代表" in capsys.readouterr().out
    assert not Constituent.objects.filter(phone="13000000001").exists()
    erase_constituent_contacts.delay()
    run = JobRun.objects.get(name="erase_constituent_contacts")
    assert run.succeeded and "0 名选民" in run.detail


def test_monthly_schedule():
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedules", verbosity=0)
    task = PeriodicTask.objects.get(task="supervision.tasks.erase_constituent_contacts")
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.month_of_year) == (
        "1",
        "3",
        "*",
    )


def test_new_details_for_an_erased_constituent(world, old, client_for):
    """Office staff may enter a number again (the constituent got back in touch): the row is
    no longer shown as erased."""
    from django.urls import reverse

    erase_expired_constituent_contacts(TODAY)
    c = Constituent.objects.get(deputy=old[0], name="李四")
    client = client_for(world.office)
    url = reverse("deputies:constituent_edit", args=[c.pk])
    assert client.post(url, {"name": "李四", "phone": "", "address": ""}).status_code == 302
    c.refresh_from_db()
    assert c.contact_erased_on == TODAY
    client.post(url, {"name": "李四", "phone": "13100000000", "address": ""})
    c.refresh_from_db()
    assert (c.phone, c.contact_erased_on) == ("13100000000", None)
