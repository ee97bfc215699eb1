"""The case studies' forms: :mod:`.cases` (the write-up, its outcomes and evidence; a new case),
:mod:`.actions` (the office's steps, materials), :mod:`.public` (the public list's filters)."""
