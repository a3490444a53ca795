from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built and dropped CONCURRENTLY: referrals_contact holds millions of rows and
    # intake keeps writing them. The new queue order (immediate risk, then the emergency
    # duty team's contacts, then the rest: docs/adr/0044) comes first and the old index
    # goes after it, so the queue always has an index.
    atomic = False

    dependencies = [
        ("referrals", "0029_out_of_hours_handover"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(
                models.Case(
                    models.When(then=models.Value(0), urgency="immediate"),
                    models.When(out_of_hours=True, status="received", then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                models.F("decision_due_at"),
                models.F("id"),
                condition=models.Q(
                    ("advice_only", False),
                    (
                        "status__in",
                        ["received", "in_screening", "awaiting_checks", "awaiting_approval"],
                    ),
                ),
                name="contact_queue_order_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="contact", name="contact_open_queue_idx"),
    ]
