"""Reform Ledger: run a government reform programme end to end."""

__version__ = "0.1.0"
