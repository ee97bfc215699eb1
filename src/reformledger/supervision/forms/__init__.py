"""Forms of the supervision pages, one business noun a module. They only parse and clean input:
every write goes through ``services``, whose ValidationErrors are put back on the fields
(:func:`reformledger.core.forms.submit`)."""
