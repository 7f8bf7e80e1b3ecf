from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PermissionsConfig(AppConfig):
    name = "permissions"
    verbose_name = _("Officers and permissions")

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """Rebuild the role groups from permissions.roles after every migrate.

    post_migrate fires once per app that has models; roles name permissions of many apps, which exist only
    once every app has had its turn, so the groups are rebuilt after the last one.
    """
    from django.apps import apps

    from permissions.roles import sync_role_groups

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        sync_role_groups(using=using)
