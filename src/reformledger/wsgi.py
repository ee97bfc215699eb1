"""The WSGI application (gunicorn imports it); the umask is set first (:mod:`reformledger.umask`)."""

import os

from django.core.wsgi import get_wsgi_application

from reformledger import umask

umask.restrict()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformledger.settings")
application = get_wsgi_application()
