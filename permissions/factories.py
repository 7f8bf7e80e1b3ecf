"""Factories for officers; roles are given by name and set as groups."""

import factory
from django.contrib.auth.models import Group

from casework.factories import RegionFactory
from permissions.models import Officer
from permissions.roles import Role


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    full_name = factory.Sequence(lambda n: f"干部{n}")
    jurisdiction = factory.SubFactory(RegionFactory)
    password = factory.django.Password("casework-demo")

    @factory.post_generation
    def roles(officer, create, extracted, **kwargs):
        """``roles=[Role.X, …]``: the officer's groups; administrators also get admin access."""
        if not create or not extracted:
            return
        names = [Role(role).value for role in extracted]
        officer.groups.set(Group.objects.filter(name__in=names))
        officer.__dict__.pop("roles", None)
        if Role.ADMINISTRATOR.value in names and not officer.is_staff:
            officer.is_staff = True
            officer.save(update_fields=["is_staff"])
