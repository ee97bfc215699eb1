"""Forms of fault tolerance; :func:`style` puts the toolkit's classes on their widgets."""

from __future__ import annotations

from reformledger.core.forms import style  # noqa: F401 - re-exported for this app's forms


