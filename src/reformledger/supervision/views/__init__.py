"""Supervision pages, one business noun a module. Thin: reads come from ``selectors`` (one loading
policy per noun, shared with the API), writes go through ``services`` (which check permissions and
audit); a form the service refuses shows its messages next to the fields (``core.forms.submit``)."""
