"""Officers, explicit object grants and the append-only audit log."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from casework.models import EnforcementCase, Person, Region
from permissions.roles import Role


class Officer(AbstractUser):
    """A user of Casework: an officer with roles (groups) and a jurisdiction (a region)."""

    full_name = models.CharField(_("name"), max_length=50, blank=True)
    jurisdiction = models.ForeignKey(
        Region,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> list[Role]:
        """The officer's roles, read from their groups once per instance (prefetch ``groups``
        on lists); a bulk step asks for them on every row."""
        names = {group.name for group in self.groups.all()}
        return [role for role in Role if role.value in names]

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def primary_role(self) -> Role | None:
        roles = self.roles
        return roles[0] if roles else None


class ObjectGrant(UserObjectPermissionBase):
    """A guardian object permission with who granted it, why, and until when.

    One concrete subclass per grantable model keeps the grant a real foreign key, so scoping
    queries join on an indexed integer instead of guardian's generic text key.
    """

    granted_by = models.ForeignKey(
        Officer, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = True


class PersonGrant(ObjectGrant):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants")

    class Meta(ObjectGrant.Meta):
        verbose_name = _("person grant")
        verbose_name_plural = _("person grants")
        indexes = [
            models.Index(fields=["user", "permission", "content_object"], name="persongrant_lookup")
        ]


class CaseGrant(ObjectGrant):
    """An investigator assigned to an enforcement case (the only way they see it)."""

    content_object = models.ForeignKey(
        EnforcementCase, on_delete=models.CASCADE, related_name="grants"
    )

    class Meta(ObjectGrant.Meta):
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        indexes = [
            models.Index(fields=["user", "permission", "content_object"], name="casegrant_lookup")
        ]


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries are append-only and cannot be updated.")

    def delete(self):
        raise PermissionError("Audit entries are append-only and cannot be deleted.")


class AuditEntry(models.Model):
    """One recorded change, chained to the previous entry by a SHA-256 hash.

    Written only by permissions.audit in the transaction of the change it records; the ORM
    refuses to update or delete entries, and ``manage.py verify_audit`` finds edits made
    behind its back.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    # The two foreign keys are indexed by the composite indexes below (their first column);
    # an index of their own would only cost every append another write.
    actor = models.ForeignKey(
        Officer,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        db_index=False,
    )
    actor_name = models.CharField(_("officer name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    object_repr = models.CharField(_("object description"), max_length=200, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "seq"], name="audit_object"),
            models.Index(fields=["actor", "seq"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only and cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row that holds the chain's last sequence number and hash.

    Appending locks this row, so concurrent transactions add entries one after another and
    the chain never forks.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
