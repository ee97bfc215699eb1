"""Every write of supervision, one business noun a module: atomic, permission-checked (once, with
:func:`reformledger.core.permissions.require`), audited.

* :mod:`.tasks` — a reform's task tree (decompose, split, change, remove) and tasks following
  their reform (district, completion);
* :mod:`.reports` — progress reports, the office's review, urging (催办);
* :mod:`.progress` — the office's correction of an accepted figure, with a reason;
* :mod:`.help` — help needed (需协调事项), escalated to the special group's leader;
* :mod:`.evidence` — the files that come with reports, completions and change requests;
* :mod:`.orders` — supervision orders (改革督查令): issuing, acknowledging;
* :mod:`.decisions` — completion (办结, and reopening it) and change requests (改革深化), decided by the office;
* :mod:`.inbox` — reading one's messages.

Each write that touches a task locks its reform row first (:func:`.common.lock_reform`), so two
people reporting on one reform queue up and the roll-up (:func:`..rollup.refresh_reform`) always
sees the other's committed work. Messages go out through :mod:`..notify` in the same transaction.
Callers import the noun's module (``from reformledger.supervision.services import tasks``).
"""
