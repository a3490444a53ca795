"""DfE Children in Need census referral source codes (the CIN census's ReferralSource)."""

from django.db import migrations

# (code, label, first census year). 5D was added by the 2023 schema.
REFERRAL_SOURCES = [
    ("1A", "Individual: family member, relative or carer", 2013),
    ("1B", "Individual: acquaintance (including neighbours and child minders)", 2013),
    ("1C", "Individual: self", 2013),
    ("1D", "Individual: other (including strangers and MPs)", 2013),
    ("2A", "Schools", 2013),
    ("2B", "Education services", 2013),
    ("3A", "Health services: GP", 2013),
    ("3B", "Health services: health visitor", 2013),
    ("3C", "Health services: school nurse", 2013),
    ("3D", "Health services: other primary health services", 2013),
    ("3E", "Health services: A&E (emergency department)", 2013),
    ("3F", "Health services: other", 2013),
    ("4", "Housing", 2013),
    ("5A", "LA services: social care (e.g. adult social care)", 2013),
    ("5B", "LA services: other internal", 2013),
    ("5C", "LA services: external (e.g. another local authority's services)", 2013),
    ("5D", "LA services: early help", 2023),
    ("6", "Police", 2013),
    ("7", "Other legal agency (courts, probation, immigration, Cafcass, prison)", 2013),
    ("8", "Other (voluntary sector, children's centres)", 2013),
    ("9", "Anonymous", 2013),
    ("10", "Unknown", 2013),
]


def load(apps, schema_editor):
    ReferralSource = apps.get_model("frontdoor", "ReferralSource")
    for code, label, year in REFERRAL_SOURCES:
        ReferralSource.objects.update_or_create(
            code=code, defaults={"label": label, "first_census_year": year}
        )


def unload(apps, schema_editor):
    apps.get_model("frontdoor", "ReferralSource").objects.filter(
        code__in=[code for code, _, _ in REFERRAL_SOURCES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
