"""The demo district: Luohu's reform programme of 2014–2018 as the article tells it, with the
supervision of its open reforms around today (``reformledger demo-data``).

An app of its own, above every business app: it calls the services of ``reforms`` and
``supervision`` like any other client, and nothing imports it (import-linter, ADR 0007).

- :mod:`.story` — the demo district's names, codes, dates, logins and the story its supervision tells;
- :mod:`.organisation` — the district, its units and people, special groups (blueprint and writers);
- :mod:`.programme` — the catalogue's texts (upper-level tasks, key reforms, micro-reform themes);
- :mod:`.catalogue` — plans and reforms (blueprint and writers);
- :mod:`.district` — ``build_district`` / ``load_demo``: one district, computed then written where missing
  (:mod:`.writing`: what the writers share);
- :mod:`.generator` — the pure, deterministic task-tree planner the benchmark shares (``bench/generate.py``);
- :mod:`.documents` — small real evidence files (PDF, PNG, Word, Excel);
- :mod:`.supervision`, :mod:`.history`, :mod:`.today` — task trees, what happened before today, today's work.
"""
