"""The Excel ledger (改革台账): one column definition, used by the export and by the import.

The file format
---------------
The first row holds the column headers of :data:`.format.COLUMNS`; every later non-blank row is
one reform. Headers and the vocabulary written into cells (tiers, statuses, source levels) are
fixed Chinese text held in :mod:`.format`, deliberately **not** gettext: the ledger is a
data-exchange format, so a file exported by someone using the English pages imports unchanged for
someone using the Chinese pages, and a file keeps its meaning when the translations are edited.
Only the messages *about* a file (errors, warnings, summaries) go through gettext.

Cells are written as people read them (unit, domain and district names, the leader's full name,
labels, real Excel dates) and read back leniently (names or codes, labels or codes, several date
spellings). Where a name would not identify its object on the way back in (two units of a district
with one name, two people with one full name, a name containing a list separator), the export
writes the code or username instead, so that **an unchanged export always imports as "no change"**.

The import is all-or-nothing. :func:`.checks.read_ledger` parses and checks the whole file and
collects every problem as (row as Excel numbers it, column header, message); only a clean file is
applied, by :func:`.applying.import_ledger`, in one transaction, with bulk writes and one audit
entry per created or changed reform.

Every exported row carries its reform's version (:mod:`.versions`); a row whose reform changed
since is a conflict, kept unless the office takes it. Reforms already here change as the pages
change them (:mod:`.existing`); reforms new to Reform Ledger come in as the ledger records them.

The steps, one module each (import the one you need; this package re-exports nothing):

- :mod:`.format` — columns, headers, the Chinese vocabulary, problems;
- :mod:`.cells` — the typed cell parsers (text, dates, numbers);
- :mod:`.versions` — a reform's version as a row carries it (a fingerprint of its ledger columns);
- :mod:`.files` — the kinds of file (.xlsx, .xls, CSV in UTF-8 or GBK), opened as rows;
- :mod:`.workbook` — the file as a whole: size and kind, the header row, the raw rows;
- :mod:`.lookups` — what the rows name (districts, domains, units, people), loaded in a few queries;
- :mod:`.checks` — one reader per column, and the check of every row;
- :mod:`.existing` — the pages' rules for reforms already here (status, lock, progress, dates);
- :mod:`.planning` — what will be created or changed (the preview), and the conflicts;
- :mod:`.applying` — the all-or-nothing write;
- :mod:`.uploads` — the office's stored uploads and their progress (the jobs are ``reforms.jobs``);
- :mod:`.export` — the catalogue written as a ledger; :mod:`.sample` — a large sample file.
"""
