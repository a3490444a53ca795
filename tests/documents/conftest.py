"""A clamd of the documents tests' own (tests/support/documents.py), shared by the module
that asks for it; a test that stops it starts its own."""

import pytest

from tests.support.documents import own_clamd


@pytest.fixture(scope="module")
def module_clamd():
    with own_clamd() as clamd:
        yield clamd


@pytest.fixture
def clamd(module_clamd, settings):
    """Point the app at the test's clamd for this test."""
    settings.CLAMD_SOCKET = str(module_clamd.socket)
    settings.CLAMD_HOST = ""
    settings.CLAMD_EMBEDDED = False
    return module_clamd
