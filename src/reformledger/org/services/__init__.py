"""Every write to the organisation made on the office's own pages: units, people, passwords.

Each service is atomic, checks one permission (``org/rules.py``) and appends to the audit chain.
"""
