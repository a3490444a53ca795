"""NHS numbers for people the front door makes up (the demonstration, synthetic data,
tests): nine digits and the check digit python-stdnum's NHS rules give them. Checking
a number someone typed is ``referrals.validators.clean_nhs_number``, the same library.
"""

from __future__ import annotations

from stdnum.gb import nhs


def nhs_number_from(body: str) -> str | None:
    """The NHS number whose first nine digits are ``body``, or ``None`` when none is:
    a body whose check digit would have to be 10 is never issued."""
    # The check digit weighs 1, so a trailing 0 leaves the body's weighted sum, which
    # the check digit must bring to a multiple of 11.
    check = -nhs.checksum(f"{body}0") % 11
    return None if check == 10 else f"{body}{check}"
