"""England's published figures for the scorecard's comparison column (DOMAIN.md)."""

from decimal import Decimal

from django.db import migrations

FIGURES = [
    {
        "measure": "re_referrals",
        "percent": Decimal("22.0"),
        "label": "Referrals within 12 months of a previous referral",
        "period": "Year to March 2024",
        "source": "DfE, Children in need statistics (621,880 referrals)",
    },
    {
        "measure": "referrals",
        "percent": Decimal("20.7"),
        "label": "Initial contacts that became referrals (621,880 of about 3 million)",
        "period": "2023 to 2024",
        "source": "DfE, Children in need; ADCS Safeguarding Pressures phase 9",
    },
    {
        "measure": "strategy_icpc",
        "percent": Decimal("31.3"),
        "label": "Section 47 enquiries followed by an initial child protection conference",
        "period": "Year to March 2025",
        "source": "DfE, Children in need (230,590 s47 enquiries, 72,100 ICPCs)",
    },
    {
        "measure": "icpc_within_15_days",
        "percent": Decimal("81.0"),
        "label": "Initial child protection conferences within 15 working days",
        "period": "Year to March 2025",
        "source": "DfE, Children in need",
    },
]


def seed(apps, schema_editor):
    NationalFigure = apps.get_model("outcomes", "NationalFigure")
    for figure in FIGURES:
        NationalFigure.objects.update_or_create(measure=figure["measure"], defaults=figure)


def unseed(apps, schema_editor):
    apps.get_model("outcomes", "NationalFigure").objects.filter(
        measure__in=[figure["measure"] for figure in FIGURES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_national_figures")]
    operations = [migrations.RunPython(seed, unseed)]
