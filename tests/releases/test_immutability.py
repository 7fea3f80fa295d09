"""A release never changes once made: its row refuses other values and deletion, in the ORM
and in the admin, which shows releases read-only."""

import pytest
from django.db import IntegrityError

from releases.models import Release, ReleaseIsImmutable
from tests.factories import UserFactory, release_with_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(db):
    return release_with_files("2026.1")


@pytest.mark.parametrize(
    ("field", "value"),
    [("version", "2026.2"), ("manifest", {"counts": {}}), ("files", [])],
)
def test_a_release_with_a_changed_field_is_not_saved(release, field, value):
    stored = Release.objects.values().get(pk=release.pk)
    setattr(release, field, value)

    with pytest.raises(ReleaseIsImmutable, match="Release 2026.1 cannot be changed"):
        release.save()

    assert Release.objects.values().get(pk=release.pk) == stored


def test_saving_an_unchanged_release_writes_nothing(release, django_assert_num_queries):
    reloaded = Release.objects.get(pk=release.pk)

    # 1. the stored values, compared with the object's: equal, so no UPDATE.
    with django_assert_num_queries(1):
        reloaded.save()


def test_a_release_is_never_deleted(release):
    with pytest.raises(ReleaseIsImmutable, match="cannot be deleted"):
        release.delete()
    with pytest.raises(ReleaseIsImmutable):
        Release.objects.filter(pk=release.pk).delete()
    with pytest.raises(ReleaseIsImmutable):
        Release.objects.filter(pk=release.pk).update(version="2026.9")

    assert Release.objects.get(pk=release.pk).version == "2026.1"


def test_the_database_refuses_a_version_that_is_not_calver(release):
    with pytest.raises(IntegrityError):
        Release.objects.create(
            version="latest", created_at=release.created_at, manifest={}, files=[]
        )


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_the_admin_lists_releases(superuser_client, release):
    response = superuser_client.get("/admin/releases/release/")

    assert response.status_code == 200
    assert "2026.1" in response.content.decode()


def test_the_admin_shows_a_release_read_only(superuser_client, release):
    response = superuser_client.get(f"/admin/releases/release/{release.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "Delete" not in content


def test_the_admin_adds_changes_and_deletes_no_release(superuser_client, release):
    assert superuser_client.get("/admin/releases/release/add/").status_code == 403
    change = superuser_client.post(
        f"/admin/releases/release/{release.pk}/change/", {"version": "2026.5"}
    )
    assert change.status_code == 403
    delete = superuser_client.post(f"/admin/releases/release/{release.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    bulk = superuser_client.post(
        "/admin/releases/release/",
        {"action": "delete_selected", "_selected_action": [release.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)

    assert Release.objects.get(pk=release.pk).version == "2026.1"
