"""The case studies' pages: :mod:`.public` (the public list and page, cached), :mod:`.office` (the
office's and the units' list, a case, its form, a new case), :mod:`.actions` (submit, return,
publish, take off the site, record an adoption), :mod:`.materials` (images and documents)."""
