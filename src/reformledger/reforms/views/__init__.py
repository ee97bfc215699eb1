"""The office's pages for the catalogue, one module per noun: the catalogue, a
reform's page with its history, the reform form, the lifecycle, attachments, and the ledger.

Thin: reads come from ``selectors`` (already scoped to the person; one loading policy for a
reform, :func:`~reformledger.reforms.selectors.get_reform`), writes go through ``services``
(permission-checked and audited). Reads of a reform the person may not see answer 404; writes
the person may not make answer 403. Views ask for permissions only to decide what to show.

Every office page is behind :func:`reformledger.org.decorators.office_member_required`.
"""

