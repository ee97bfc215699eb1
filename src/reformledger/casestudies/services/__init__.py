"""Every write to case studies: :mod:`.cases` (draft, edit, submit, return, publish, take off the
site), :mod:`.materials` (images and documents), :mod:`.adoptions` (recorded after publication).
Each atomic, checked once (``core.permissions.require``), audited (``core.audit``)."""
