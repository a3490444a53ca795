"""POST data for the contact form's three journeys (referral, staff-recorded, phone):
the formset management fields, a child, an adult, the concern, and whole forms."""

from frontdoor.models import ReferralSource


def management(children=1, adults=0):
    return {
        "children-TOTAL_FORMS": str(children),
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "20",
        "adults-TOTAL_FORMS": str(adults),
        "adults-INITIAL_FORMS": "0",
        "adults-MIN_NUM_FORMS": "0",
        "adults-MAX_NUM_FORMS": "20",
    }


def child(index, first="Amelia", last="Harrison", dob=("12", "4", "2016"), **extra):
    prefix = f"children-{index}-"
    data = {
        "first_name": first,
        "last_name": last,
        "born": "born",
        "date_of_birth_0": dob[0],
        "date_of_birth_1": dob[1],
        "date_of_birth_2": dob[2],
        "sex": "female",
        "postcode": "YO1 7HH",
        **extra,
    }
    return {prefix + key: value for key, value in data.items()}


def adult(index, first="Dawn", last="Harrison", role="parent", **extra):
    prefix = f"adults-{index}-"
    data = {"first_name": first, "last_name": last, "role": role, "sex": "female", **extra}
    return {prefix + key: value for key, value in data.items()}


CONCERN = {
    "concern-concerns": "Amelia said her mum's partner hit her; bruising seen on her arm.",
    "concern-concern_categories": ["physical_abuse", "domestic_abuse"],
    "concern-urgency": "soon",
    "concern-family_awareness": "aware_consented",
}


def full_referral():
    return {
        **management(children=2, adults=1),
        **child(0),
        **child(1, first="Noah", dob=("3", "9", "2019"), sex="male"),
        **adult(0, relationship_to_children="Mother"),
        **CONCERN,
        "action": "continue",
    }


def staff_referrer(**extra):
    return {
        "referrer-channel": "contact_centre",
        "referrer-name": "Joan Smith",
        "referrer-role": "Neighbour",
        "referrer-referral_source": "",
        "referrer-phone": "01632 960001",
        **extra,
    }


def phone_call(outcome):
    return {
        **management(),
        **child(0),
        **CONCERN,
        "referrer-name": "Dr Asha Patel",
        "referrer-role": "GP",
        "referrer-referral_source": str(ReferralSource.objects.get(code="3A").pk),
        "referrer-phone": "01632 960002",
        "referrer-advice_given": "Discuss an early help assessment with the family.",
        "referrer-outcome": outcome,
        "action": "continue",
    }
