"""The returns' codes for what the app records in its own words.

Here, not in ``frontdoor/census_codes.py``: only the returns use them, and the core
imports no app (docs/adr/0021-layers-and-the-demo-app.md).
"""

from referrals.models import Sex

# Person.sex as the CIN census and Annex A code it.
SEX_CODES = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U"}
