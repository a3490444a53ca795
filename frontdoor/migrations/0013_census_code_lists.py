"""Statutory code lists by return year: CIN census factors at assessment, primary need,
reason for closure, disability, ethnicity and sex, with Ofsted's Annex A labels, and
the Annex A labels of the referral sources.

A return year is the year the census period ends (2025-26 is 2026). Codes retired by a
later census keep their rows with a last year, so an old return is still checked
against the list it was made under.
"""

from django.db import migrations

SINCE = 2013  # the first CIN census with these lists

# (code, label, first year, last year)
ASSESSMENT_FACTORS = [
    ("1A", "Alcohol misuse: concerns about the child", SINCE, None),
    ("1B", "Alcohol misuse: concerns about the parent or carer", SINCE, None),
    ("1C", "Alcohol misuse: concerns about another person living in the household", SINCE, None),
    ("2A", "Drug misuse: concerns about the child", SINCE, None),
    ("2B", "Drug misuse: concerns about the parent or carer", SINCE, None),
    ("2C", "Drug misuse: concerns about another person living in the household", SINCE, None),
    ("3A", "Domestic abuse: concerns about the child being the subject", SINCE, None),
    ("3B", "Domestic abuse: concerns about the parent or carer being the subject", SINCE, None),
    ("3C", "Domestic abuse: concerns about another person in the household", SINCE, None),
    ("4A", "Mental health: concerns about the child", SINCE, None),
    ("4B", "Mental health: concerns about the parent or carer", SINCE, None),
    ("4C", "Mental health: concerns about another person living in the household", SINCE, None),
    ("5A", "Learning disability: concerns about the child", SINCE, None),
    ("5B", "Learning disability: concerns about the parent or carer", SINCE, None),
    ("5C", "Learning disability: concerns about another person in the household", SINCE, None),
    ("6A", "Physical disability or illness: concerns about the child", SINCE, None),
    ("6B", "Physical disability or illness: concerns about the parent or carer", SINCE, None),
    ("6C", "Physical disability or illness: concerns about another person", SINCE, None),
    ("7A", "Young carer", SINCE, None),
    ("8B", "Privately fostered: overseas child who intends to return", SINCE, None),
    ("8C", "Privately fostered: overseas child who intends to stay", SINCE, None),
    ("8D", "Privately fostered: UK child in education or training", SINCE, None),
    ("8E", "Privately fostered: UK child whose parents plan adoption", SINCE, None),
    ("8F", "Privately fostered: other", SINCE, None),
    ("9A", "Unaccompanied asylum-seeking child", SINCE, None),
    ("10A", "Going or being missing", SINCE, None),
    ("11A", "Child sexual exploitation", SINCE, None),
    ("12A", "Trafficking", SINCE, None),
    ("13A", "Gangs", SINCE, None),
    ("14A", "Socially unacceptable behaviour", SINCE, None),
    ("15A", "Self-harm", SINCE, None),
    ("16A", "Neglect", SINCE, None),
    ("17A", "Emotional abuse", SINCE, None),
    ("18A", "Physical abuse", SINCE, 2021),
    ("18B", "Physical abuse: by a child", 2022, None),
    ("18C", "Physical abuse: by an adult", 2022, None),
    ("19A", "Sexual abuse", SINCE, 2021),
    ("19B", "Sexual abuse: by a child", 2022, None),
    ("19C", "Sexual abuse: by an adult", 2022, None),
    ("20", "Other", SINCE, None),
    ("21", "No factors identified", SINCE, None),
    ("22A", "Female genital mutilation", 2016, None),
    ("23A", "Abuse linked to faith or belief", 2016, None),
    ("24A", "Child criminal exploitation", 2022, None),
]

PRIMARY_NEEDS = [
    ("N1", "Abuse or neglect"),
    ("N2", "Child's disability or illness"),
    ("N3", "Parental illness or disability"),
    ("N4", "Family in acute stress"),
    ("N5", "Family dysfunction"),
    ("N6", "Socially unacceptable behaviour"),
    ("N7", "Low income"),
    ("N8", "Absent parenting"),
]

REASONS_FOR_CLOSURE = [
    ("RC1", "Adopted"),
    ("RC2", "Died"),
    ("RC3", "Child arrangements order"),
    ("RC4", "Special guardianship order"),
    ("RC5", "Transferred to services of another local authority"),
    ("RC6", "Transferred to adult social care services"),
    ("RC7", "Services ceased for any other reason, including the child no longer in need"),
    ("RC8", "Case closed after assessment, no further action"),
    ("RC9", "Case closed after assessment, referred to early help"),
]

DISABILITIES = [
    ("NONE", "No disability"),
    ("MOB", "Mobility"),
    ("HAND", "Hand function"),
    ("PC", "Personal care"),
    ("INC", "Incontinence"),
    ("COMM", "Communication"),
    ("LD", "Learning"),
    ("HEAR", "Hearing"),
    ("VIS", "Vision"),
    ("BEH", "Behaviour"),
    ("CON", "Consciousness"),
    ("AUT", "Autism or Asperger syndrome"),
    ("DDA", "Other disability (Equality Act)"),
]

# In Ofsted's Annex A order, which gives each its prefix: a) WBRI … t) NOBT.
ETHNICITIES = [
    ("WBRI", "White: British"),
    ("WIRI", "White: Irish"),
    ("WOTH", "White: any other White background"),
    ("WIRT", "White: Traveller of Irish heritage"),
    ("WROM", "White: Gypsy or Roma"),
    ("MWBC", "Mixed: White and Black Caribbean"),
    ("MWBA", "Mixed: White and Black African"),
    ("MWAS", "Mixed: White and Asian"),
    ("MOTH", "Mixed: any other mixed background"),
    ("AIND", "Asian or Asian British: Indian"),
    ("APKN", "Asian or Asian British: Pakistani"),
    ("ABAN", "Asian or Asian British: Bangladeshi"),
    ("AOTH", "Asian or Asian British: any other Asian background"),
    ("BCRB", "Black or Black British: Caribbean"),
    ("BAFR", "Black or Black British: African"),
    ("BOTH", "Black or Black British: any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
]

# (code, label, Annex A label)
SEXES = [
    ("M", "Male", "a) Male"),
    ("F", "Female", "b) Female"),
    ("U", "Not known", "c) Not stated/recorded"),
]

SOURCE_ANNEX_A_LABELS = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}


def _rows():
    for position, (code, label, first, last) in enumerate(ASSESSMENT_FACTORS):
        yield "assessment_factor", code, label, "", first, last, position
    for position, (code, label) in enumerate(PRIMARY_NEEDS):
        yield "primary_need", code, label, "", SINCE, None, position
    for position, (code, label) in enumerate(REASONS_FOR_CLOSURE):
        yield "reason_for_closure", code, label, "", SINCE, None, position
    for position, (code, label) in enumerate(DISABILITIES):
        yield "disability", code, label, "", SINCE, None, position
    for position, (code, label) in enumerate(ETHNICITIES):
        annex_a = f"{chr(ord('a') + position)}) {code}"
        yield "ethnicity", code, label, annex_a, SINCE, None, position
    for position, (code, label, annex_a) in enumerate(SEXES):
        yield "sex", code, label, annex_a, SINCE, None, position


def load(apps, schema_editor):
    CensusCode = apps.get_model("frontdoor", "CensusCode")
    for code_list, code, label, annex_a, first, last, position in _rows():
        CensusCode.objects.update_or_create(
            code_list=code_list,
            code=code,
            first_year=first,
            defaults={
                "label": label,
                "annex_a_label": annex_a,
                "last_year": last,
                "position": position,
            },
        )
    ReferralSource = apps.get_model("frontdoor", "ReferralSource")
    for code, annex_a in SOURCE_ANNEX_A_LABELS.items():
        ReferralSource.objects.filter(code=code).update(annex_a_label=annex_a)


def unload(apps, schema_editor):
    apps.get_model("frontdoor", "CensusCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0012_census_codes")]
    operations = [migrations.RunPython(load, unload)]
