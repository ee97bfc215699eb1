"""placeholder"""
from tests.authz.answers import *  # noqa
EXPECTED = {}
EXEMPT = {}
ADMIN_MODELS = set()
PENDING_TENANCY = set()
PENDING_ADMIN = set()
PENDING = PENDING_TENANCY | PENDING_ADMIN
