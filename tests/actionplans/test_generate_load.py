"""generate_load makes realistic councils in bulk, each action's current status its latest
update, and removes them again."""

import pytest
from django.core.management import CommandError, call_command

from actionplans.models import Action, Plan, ProgressUpdate
from councils.models import Council, User

pytestmark = pytest.mark.django_db


def test_generate_and_delete(capsys):
    call_command("generate_load", councils=2, plans=2, actions=15, updates=3)
    out = capsys.readouterr().out
    assert "Generated 2 councils, 4 plans, 60 actions and 180 progress updates" in out
    councils = Council.objects.filter(slug__startswith="load-")
    assert councils.count() == 2
    actions = Action.objects.filter(plan__council__in=councils).select_related("status")
    assert actions.count() == 60
    for action in actions[:10]:
        latest = ProgressUpdate.objects.filter(action=action).order_by("-reported_on").first()
        assert action.status == latest.status and action.last_updated == latest.reported_on
        assert 80 <= len(action.title) <= 150 and action.deadline_text
        assert action.lead_links.count() == 1
    assert Plan.objects.filter(council__in=councils, lifecycle="approved").count() == 4
    officer = User.objects.filter(username__startswith="load-").first()
    assert not officer.has_usable_password()
    call_command("generate_load", delete=True)
    assert not Council.objects.filter(slug__startswith="load-").exists()
    assert not User.objects.filter(username__startswith="load-").exists()
    assert Council.objects.filter(slug="norwich").exists()  # the demo is untouched


def test_bounds_are_checked():
    with pytest.raises(CommandError, match="--actions must be between 1 and 1,000,000"):
        call_command("generate_load", actions=0)
