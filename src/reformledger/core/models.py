"""The audit trail: one append-only, hash-chained log of every write made through a service."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write: who did what to which object, with the values before and after.

    ``entry_hash`` is SHA-256 over the entry's canonical JSON and ``prev_hash``, so editing or
    deleting any entry in the database breaks the chain (``reformledger audit-verify``). The hash
    covers only values stored in the entry itself: the actor's id, sign-in name and display name
    are copied in, so deleting or renaming a person never breaks it; ``actor`` is a join only
    (nulled when the person is deleted). ``hash_version`` names the formula (ADR 0027).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    #: The actor's id as it was when the entry was written (hashed; ``actor_id`` may be nulled since).
    actor_id_copy = models.BigIntegerField(_("actor id (as recorded)"), null=True, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    #: The actor's display name (full name, else sign-in name) when the entry was written (version 2 on).
    actor_display = models.CharField(_("actor (as shown)"), max_length=150, blank=True)
    hash_version = models.PositiveSmallIntegerField(_("hash formula"), default=2)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row that holds the chain's end; locking it serialises appends."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash}"


class CacheVersion(models.Model):
    """The version of one cache scope: the audit sequence number of the last write that touched it.

    A scope names a family of facts in a district: ``work:d12`` (reforms, tasks, reports, orders…
    of district 12), ``org:d12`` (its units and people), ``work:every``/``org:every`` (a write that
    touches every district, such as the daily scan), and ``work:*``/``org:*`` (any write anywhere).
    Cached values are keyed on the versions of the scopes they are built from (``core.cache``), so a
    write in one district leaves every other district's cached pages valid. Written in the same
    transaction as the audit entry: a rollback rolls the version back too.
    """

    scope = models.CharField(max_length=100, primary_key=True)
    # Indexed: each process reads only the versions written since its last read (core.versions).
    seq = models.PositiveBigIntegerField(default=0, db_index=True)

    class Meta:
        verbose_name = _("cache version")

    def __str__(self) -> str:
        return f"{self.scope}@{self.seq}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # ADR 0028: a token stops working at expires_at, and when its owner's password changes (the
    # SHA-256 of the stored password hash when the token was made no longer matches).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    password_mark = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
