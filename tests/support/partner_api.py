"""A contact a partner's system may send to the API."""

VALID = {
    "channel": "police_notification",
    "children": [
        {
            "first_name": "Amelia",
            "last_name": "Harrison",
            "date_of_birth": "2016-04-12",
            "sex": "female",
            "nhs_number": "943 476 5919",
            "postcode": "yo17hh",
        },
        {
            "first_name": "Unborn",
            "last_name": "Harrison",
            "unborn": True,
            "expected_date_of_birth": "2027-03-01",
        },
    ],
    "adults": [
        {
            "first_name": "Kyle",
            "last_name": "Mercer",
            "role": "alleged_perpetrator",
            "relationship_to_children": "Mother's partner",
        }
    ],
    "concerns": "Police attended a domestic incident at the home; Amelia was present.",
    "concern_categories": ["domestic_abuse"],
    "urgency": "soon",
    "family_awareness": "not_aware",
    "family_not_told_reason": "Telling the mother's partner could put her and Amelia at risk.",
    "referrer": {"name": "PC Jane Doe", "role": "Officer in case", "phone": "01632 960001"},
}
