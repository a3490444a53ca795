"""A clamd of the documents tests' own (tests/support/documents.py), shared by the module
that asks for it; a test that stops it starts its own."""

from tests.support.documents import clamd, module_clamd  # noqa: F401
