"""Officer management pages and actions: roles by level, four powers apart, every change audited."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from permissions.factories import OfficerFactory
from permissions.models import AuditEntry, Officer
from permissions.roles import ROLE_PERMISSIONS, Role
from tests.conftest import COUNTY, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db


def _post_new(client, **overrides):
    data = {
        "username": "new_officer",
        "full_name": "新干部",
        "password": "a-long-demo-password-9",
        "jurisdiction": VILLAGE,
        "roles": [Role.VILLAGE_OFFICER.value],
    }
    data.update(overrides)
    return client.post(reverse("officer-create"), data)


def test_every_role_is_a_group_with_its_permissions(db):
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        names = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert names == set(perms)


def test_administrator_creates_an_officer_and_the_audit_names_them(client, administrator):
    client.force_login(administrator)
    response = _post_new(client)
    assert response.status_code == 302
    officer = Officer.objects.get(username="new_officer")
    assert officer.roles == [Role.VILLAGE_OFFICER]
    assert officer.jurisdiction_id == VILLAGE
    assert officer.check_password("a-long-demo-password-9")
    entry = AuditEntry.objects.get(action="create_officer")
    assert entry.actor == administrator and entry.object_id == str(officer.pk)


def test_role_must_match_the_level_of_the_jurisdiction(client, administrator):
    client.force_login(administrator)
    response = _post_new(client, jurisdiction=TOWNSHIP)
    assert response.status_code == 200
    assert "jurisdiction" in response.context["form"].errors
    assert not Officer.objects.filter(username="new_officer").exists()


def test_four_powers_cannot_be_held_by_one_officer(client, administrator):
    client.force_login(administrator)
    response = _post_new(
        client,
        jurisdiction=COUNTY,
        roles=[Role.FUND_MANAGER.value, Role.DISBURSEMENT_OFFICER.value],
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Officer.objects.filter(username="new_officer").exists()


def test_role_change_is_audited_with_before_and_after(client, administrator, make_officer):
    officer = make_officer(Role.COUNTY_INSPECTOR, COUNTY, username="inspector")
    client.force_login(administrator)
    response = client.post(
        reverse("officer-edit", args=[officer.pk]),
        {
            "full_name": "检查员",
            "jurisdiction": COUNTY,
            "roles": [Role.COUNTY_APPROVER.value],
            "is_active": "on",
            "reason": "岗位调整",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.roles == [Role.COUNTY_APPROVER]
    entry = AuditEntry.objects.get(action="change_officer_roles")
    assert (entry.from_state, entry.to_state, entry.opinion) == (
        "county_inspector",
        "county_approver",
        "岗位调整",
    )


def test_deactivation_is_audited_and_blocks_login(client, administrator, make_officer):
    officer = make_officer(Role.COUNTY_INSPECTOR, COUNTY, username="leaving")
    client.force_login(administrator)
    client.post(
        reverse("officer-edit", args=[officer.pk]),
        {"full_name": "x", "jurisdiction": COUNTY, "roles": [Role.COUNTY_INSPECTOR.value]},
    )
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEntry.objects.filter(action="deactivate_officer").exists()
    client.logout()
    assert not client.login(username="leaving", password="casework-demo")


def test_administrator_cannot_change_their_own_roles(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("officer-edit", args=[administrator.pk]),
        {
            "full_name": "x",
            "jurisdiction": COUNTY,
            "roles": [Role.ADMINISTRATOR.value, Role.SUPERVISOR.value],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert administrator.roles == [Role.ADMINISTRATOR]


def test_non_administrators_are_refused_the_officer_pages(client, village_officer):
    client.force_login(village_officer)
    assert client.get(reverse("officer-list")).status_code == 403
    assert _post_new(client).status_code == 403
    assert not Officer.objects.filter(username="new_officer").exists()


def test_officer_outside_the_administrators_jurisdiction_is_404(client, make_officer, regions):
    township_admin = make_officer(Role.ADMINISTRATOR, TOWNSHIP)
    county_officer = make_officer(Role.COUNTY_APPROVER, COUNTY)
    client.force_login(township_admin)
    assert client.get(reverse("officer-edit", args=[county_officer.pk])).status_code == 404


def test_admin_site_is_for_superusers_only(client, administrator, village_officer):
    # Administrators manage officers on the officer pages above; the admin, which neither
    # scopes by jurisdiction nor knows the workflows, is for technical operators only
    # (more in tests/permissions/test_admin_site.py).
    client.force_login(village_officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 302
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_officer_list_runs_constant_queries(
    client, administrator, regions, rows, django_assert_max_num_queries
):
    OfficerFactory.create_batch(rows, jurisdiction=regions[COUNTY], roles=[Role.SUPERVISOR])
    client.force_login(administrator)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("officer-list"), {"role": Role.SUPERVISOR.value})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows
