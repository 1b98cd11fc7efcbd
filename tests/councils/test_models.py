import pytest
from django.db import IntegrityError, transaction

from councils.models import Committee, Department, Status, User, Ward

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Department, Ward, Committee])
def test_names_are_unique_within_a_council_whatever_the_case(model, council_a, council_b):
    model.objects.create(council=council_a, name="Strategy")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(council=council_a, name="STRATEGY")
    assert model.objects.create(council=council_b, name="Strategy").pk


def test_council_lists_are_reached_from_the_council(council_a):
    Department.objects.create(council=council_a, name="Housing")
    Ward.objects.create(council=council_a, name="Lakenham")
    assert [d.name for d in council_a.departments.all()] == ["Housing"]
    assert [w.name for w in council_a.wards.all()] == ["Lakenham"]
    assert list(Department.objects.for_council(council_a)) == list(council_a.departments.all())


def test_status_labels_are_unique_per_council(council_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Status.objects.create(council=council_a, label="on track", rag="green")


def test_statuses_come_in_the_councils_order(council_a):
    labels = list(council_a.statuses.values_list("label", flat=True))
    assert labels == ["Not started", "On track", "Delayed", "Off track", "Complete"]


def test_people_are_shown_by_job_title_first():
    assert User(username="u1", job_title="Strategy manager", first_name="A").display_name() == (
        "Strategy manager"
    )
    assert User(username="u2", first_name="Ann", last_name="Other").display_name() == "Ann Other"
    assert User(username="u3").display_name() == "u3"
