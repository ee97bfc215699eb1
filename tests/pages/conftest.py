"""Fixtures for the page tests: a browser-like client that reads English, per role."""

import pytest
from django.test import Client

from tests.clients import english_client


@pytest.fixture
def client_for():
    """``client_for(user)``: a client signed in as ``user`` (anonymous for None), asking for English.

    English keeps the assertions on visible text stable while the zh-Hans catalogue grows.
    """

    def make(user=None) -> Client:
        client = english_client()
        if user is not None:
            client.force_login(user)
        return client

    return make
