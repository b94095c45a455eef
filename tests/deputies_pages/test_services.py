"""Writes of deputies.services: validation in Chinese and nothing half-saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from deputies import services
from deputies.models import Deputy, LiaisonAssignment, ServicePeriod, Suspension, Termination

pytestmark = pytest.mark.django_db


def test_name_initials():
    assert services.name_initials("张三") == "zs"
    assert services.name_initials("欧阳雪梅") == "oyxm"
    assert services.name_initials(" Li 明 ") == "lim"


def test_fill_name_initials_fills_only_the_empty(world):
    Deputy.objects.filter(pk=world["zhang"].pk).update(name_initials="")
    Deputy.objects.filter(pk=world["li"].pk).update(name_initials="keep")
    assert services.fill_name_initials() >= 1
    assert Deputy.objects.get(pk=world["zhang"].pk).name_initials == "zs"
    assert Deputy.objects.get(pk=world["li"].pk).name_initials == "keep"


def test_termination_closes_the_open_period_in_one_step(world):
    li = world["li"]
    services.record_termination(Termination(deputy=li, date=date(2024, 6, 30), reason="moved"))
    assert list(li.service_periods.values_list("end_date", flat=True)) == [date(2024, 6, 30)]
    services.delete_termination(li.termination)
    assert list(li.service_periods.values_list("end_date", flat=True)) == [None]


def test_termination_outside_the_service_saves_nothing(world):
    li = world["li"]
    with pytest.raises(ValidationError, match="届次"):
        services.record_termination(Termination(deputy=li, date=date(2030, 1, 1), reason="moved"))
    assert not Termination.objects.exists()
    assert li.service_periods.get().end_date is None


def test_overlapping_suspensions_are_refused(world):
    li = world["li"]
    services.save_suspension(Suspension(deputy=li, start_date=date(2023, 1, 1),
                                        end_date=date(2023, 3, 1)))  # fmt: skip
    with pytest.raises(ValidationError, match="重叠"):
        services.save_suspension(Suspension(deputy=li, start_date=date(2023, 2, 1)))
    assert Suspension.objects.count() == 1


def test_the_seventh_liaison_deputy_is_refused(world, make_deputy):
    wang = world["wang"]
    others = [make_deputy(world["term"], f"C{i:03}") for i in range(7)]
    for d in others[:6]:
        services.assign_liaison(wang, d)
    with pytest.raises(ValidationError, match="最多联系 6 名"):
        services.assign_liaison(wang, others[6])
    assert LiaisonAssignment.objects.filter(member=wang).count() == 6
    with pytest.raises(ValidationError, match="只有常委会组成人员"):
        services.assign_liaison(world["li"], others[6])


def test_a_new_deputy_gets_a_service_period(world):
    d = services.save_deputy(
        Deputy(term=world["term"], code="N1", name="赵六", delegation=world["del_a"])
    )
    assert d.name_initials == "zl"
    assert ServicePeriod.objects.get(deputy=d).start_date == world["term"].start_date
