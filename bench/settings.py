"""Benchmark settings: the production settings plus one bare Django view, the framework's floor."""

from reformledger.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
