"""Jurisdiction by region subtree, and explicit grants with revocation and expiry."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404

from casework.factories import EnforcementCaseFactory, PersonFactory
from casework.models import EnforcementCase, Person, Region
from permissions import audit, grants, officers
from permissions.models import AuditEntry, CaseGrant, Officer, PersonGrant
from permissions.roles import Role
from permissions.scoping import get_visible_or_404, visible_to
from permissions.separation import SeparationOfDuties
from tests.conftest import COUNTY, OTHER_TOWNSHIP_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_villages(regions):
    return {
        code: PersonFactory(region=regions[code])
        for code in (VILLAGE, OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE)
    }


def test_village_officer_sees_own_village_only(village_officer, three_villages):
    assert list(visible_to(village_officer, Person)) == [three_villages[VILLAGE]]
    with pytest.raises(Http404):
        get_visible_or_404(village_officer, Person, pk=three_villages[OTHER_VILLAGE].pk)


def test_township_reviewer_sees_every_village_of_the_township(township_reviewer, three_villages):
    visible = set(visible_to(township_reviewer, Person))
    assert visible == {three_villages[VILLAGE], three_villages[OTHER_VILLAGE]}


def test_county_officer_sees_the_whole_county(make_officer, three_villages):
    approver = make_officer(Role.COUNTY_APPROVER, COUNTY)
    assert visible_to(approver, Person).count() == 3


def test_regions_visible_are_the_subtree_and_its_ancestors(township_reviewer):
    codes = set(visible_to(township_reviewer, Region).values_list("code", flat=True))
    assert codes == {"360000000000", "360900000000", COUNTY, TOWNSHIP, VILLAGE, OTHER_VILLAGE}


def test_inactive_and_anonymous_users_see_nothing(village_officer, three_villages):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_to(AnonymousUser(), Person).exists()
    village_officer.is_active = False
    assert not visible_to(village_officer, Person).exists()


def test_officer_without_view_permission_sees_no_persons(regions, three_villages):
    from permissions.factories import OfficerFactory

    roleless = OfficerFactory(jurisdiction=regions[COUNTY])
    assert not visible_to(roleless, Person).exists()


def test_grant_makes_one_object_visible_and_revocation_hides_it(
    administrator, village_officer, three_villages
):
    other = three_villages[OTHER_TOWNSHIP_VILLAGE]
    admin_actor = audit.Actor(officer=administrator)
    grant = grants.grant_access(admin_actor, user=village_officer, obj=other, reason="协助核查")
    assert set(visible_to(village_officer, Person)) == {three_villages[VILLAGE], other}
    assert get_visible_or_404(village_officer, Person, pk=other.pk) == other
    # The grant is a real django-guardian object permission.
    assert village_officer.has_perm("casework.view_person", other)

    grants.revoke_access(admin_actor, grant, reason="核查结束")
    assert list(visible_to(village_officer, Person)) == [three_villages[VILLAGE]]
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["grant_access", "revoke_access"]


def test_expired_grant_is_ignored_at_once_and_removed_by_the_command(
    settings, administrator, village_officer, three_villages
):
    other = three_villages[OTHER_VILLAGE]
    expires = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    grants.grant_access(
        audit.Actor(officer=administrator),
        user=village_officer,
        obj=other,
        reason="临时协助",
        expires_at=expires,
    )
    assert other in visible_to(village_officer, Person)

    settings.CASEWORK_TODAY = "2026-12-01"
    assert other not in visible_to(village_officer, Person)
    call_command("expire_grants")
    assert not PersonGrant.objects.exists()
    assert AuditEntry.objects.filter(action="expire_access").count() == 1


def test_only_administrators_grant(village_officer, township_reviewer, three_villages):
    with pytest.raises(PermissionDenied):
        grants.grant_access(
            audit.Actor(officer=township_reviewer),
            user=village_officer,
            obj=three_villages[OTHER_VILLAGE],
            reason="x",
        )
    assert not PersonGrant.objects.exists()


def test_administrator_cannot_grant_to_themselves(administrator, three_villages):
    with pytest.raises(SeparationOfDuties):
        grants.grant_access(
            audit.Actor(officer=administrator),
            user=administrator,
            obj=three_villages[VILLAGE],
            reason="x",
        )


def test_grant_needs_a_reason_and_a_future_expiry(administrator, village_officer, three_villages):
    from django.core.exceptions import ValidationError

    actor = audit.Actor(officer=administrator)
    with pytest.raises(ValidationError) as blank:
        grants.grant_access(
            actor, user=village_officer, obj=three_villages[OTHER_VILLAGE], reason=" "
        )
    assert "reason" in blank.value.message_dict
    past = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as expired:
        grants.grant_access(
            actor,
            user=village_officer,
            obj=three_villages[OTHER_VILLAGE],
            reason="x",
            expires_at=past,
        )
    assert "expires_at" in expired.value.message_dict
    assert not PersonGrant.objects.exists()


def test_a_case_assignment_ends_with_the_investigator_role(administrator, make_officer, regions):

    investigator = make_officer(Role.INVESTIGATOR, COUNTY, username="investigator")
    case = EnforcementCaseFactory(region=regions[COUNTY], recorded_by=investigator)
    grants.put_grant(audit.Actor(administrator), user=investigator, obj=case, reason="承办")
    assert list(visible_to(investigator, EnforcementCase)) == [case]

    officers.update_officer(
        audit.Actor(administrator),
        investigator,
        full_name="原执法员",
        jurisdiction=regions[COUNTY],
        roles=[Role.COUNTY_INSPECTOR],
        is_active=True,
        reason="调岗",
    )

    assert not CaseGrant.objects.filter(user=investigator).exists()
    entry = AuditEntry.objects.get(action="end_access")
    assert entry.object_id == str(case.pk) and entry.data["grantee"] == "investigator"
    assert not visible_to(reloaded(investigator), EnforcementCase).exists()


def test_a_grant_no_longer_counts_once_its_role_is_gone(administrator, make_officer, regions):
    """Even a grant left behind (roles changed outside the officer pages) shows nothing."""

    investigator = make_officer(Role.INVESTIGATOR, COUNTY, username="investigator")
    case = EnforcementCaseFactory(region=regions[COUNTY], recorded_by=investigator)
    grants.put_grant(audit.Actor(administrator), user=investigator, obj=case, reason="承办")
    investigator.groups.set([Group.objects.get(name=Role.COUNTY_INSPECTOR.value)])

    assert not visible_to(reloaded(investigator), EnforcementCase).exists()


def reloaded(officer):
    """The officer as a new request loads them (roles and permissions read afresh)."""
    return Officer.objects.get(pk=officer.pk)


def test_case_assignments_end_when_the_investigator_moves_to_another_county(
    administrator, make_officer, regions
):
    other_county = Region.objects.create(code="360922000000", name="邻县")
    investigator = make_officer(Role.INVESTIGATOR, COUNTY, username="investigator")
    case = EnforcementCaseFactory(region=regions[COUNTY], recorded_by=investigator)
    grants.put_grant(audit.Actor(administrator), user=investigator, obj=case, reason="承办")

    officers.update_officer(
        audit.Actor(make_officer(Role.ADMINISTRATOR, "360900000000", username="city_admin")),
        investigator,
        full_name="调任执法员",
        jurisdiction=other_county,
        roles=[Role.INVESTIGATOR],
        is_active=True,
        reason="调往邻县",
    )

    assert not CaseGrant.objects.filter(user=investigator).exists()
    assert AuditEntry.objects.get(action="end_access").opinion == "干部已调往其他辖区。"
    assert not visible_to(reloaded(investigator), EnforcementCase).exists()
