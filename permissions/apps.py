from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PermissionsConfig(AppConfig):
    name = "permissions"
    verbose_name = _("Officers and permissions")

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, sender=self)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """Rebuild the role groups from permissions.roles after every migrate."""
    from permissions.roles import sync_role_groups

    sync_role_groups(using=using)
