"""What signing a resident up needs beside :class:`~.ratings.Resident`: the one-time codes that
verify a mobile number or an e-mail address, and the counters of the rate limits.

* :class:`VerificationCode` — one code sent to one identifier (kept only as its keyed hash, like
  the resident's): the code itself is stored hashed, lives ten minutes, allows a few attempts and
  is used once. The codes of the last hour per identifier and per address are the send limits.
* :class:`RateBucket` — a fixed-window counter per key (an account, a hashed address): the rate
  limits of ratings when no Redis is configured (ADR "rate limits in the database, Redis when
  REDIS_URL").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationCode(models.Model):
    """A one-time code sent to a mobile number or an e-mail address."""

    identifier_hash = models.CharField(_("identifier (hashed)"), max_length=64)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    address_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [
            models.Index(fields=["identifier_hash", "-created_at"], name="vcode_identifier_time"),
            models.Index(fields=["address_hash", "-created_at"], name="vcode_address_time"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier_hash[:8]}…"


class RateBucket(models.Model):
    """How many requests one key made in one window (``window`` = seconds since the epoch ÷ length)."""

    key = models.CharField(max_length=120)
    window = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_bucket_once")]
        indexes = [models.Index(fields=["window"], name="rate_bucket_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}"
