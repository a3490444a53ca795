"""The DfE's census rules over exports of generated data: no errors, and only the
queries the README lists with the reason the data truly raises them."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from tests.support.census_checks import (
    EXPECTED_QUERIES,
    census_checked,
    census_errors,
    census_queries,
)

pytestmark = pytest.mark.django_db


def test_the_census_of_synthetic_data_passes_the_dfe_rules():
    call_command("generate_synthetic", contacts=3000, years=2, seed=11, stdout=io.StringIO())
    checked = census_checked(2026)
    assert checked.episodes > 300
    assert census_errors(checked) == Counter()
    assert census_queries(checked) <= EXPECTED_QUERIES


# The demo's census (loaded once for two tests): tests/outcomes/test_census_of_the_demo.py.
