"""The editorial groups exist after migrate and come back after a flush."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


def permissions_of(name: str) -> set[str]:
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_editors_edit_but_do_not_publish():
    editors = permissions_of("Editors")
    assert {"add_proposal", "change_proposal", "view_proposal", "add_source"} <= editors
    assert "publish_event" not in editors
    assert "delete_source" not in editors


@pytest.mark.django_db
def test_editors_have_the_kinds_delete_permission_for_their_own_drafts():
    # events.services.may_delete narrows it to their own never-published drafts.
    editors = permissions_of("Editors")
    kinds = {"proposal", "response", "meeting", "violationaccusation"}
    assert {f"delete_{kind}" for kind in kinds} <= editors


@pytest.mark.django_db
def test_reviewers_also_publish_and_delete():
    reviewers = permissions_of("Reviewers")
    assert {"publish_event", "change_proposal", "delete_proposal"} <= reviewers


@pytest.mark.django_db(transaction=True)
def test_groups_survive_a_flush():
    before = permissions_of("Editors"), permissions_of("Reviewers")
    call_command("flush", interactive=False, verbosity=0)
    assert (permissions_of("Editors"), permissions_of("Reviewers")) == before
