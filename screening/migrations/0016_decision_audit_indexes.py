from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built CONCURRENTLY: screening_decision holds a row for each decision ever made
    # and a live service keeps writing to it; a plain CREATE INDEX would hold its
    # writes for as long as the build takes. These bound a week's decisions for the
    # audit sample and the joint review (ADR 0043).
    atomic = False

    dependencies = [
        ("screening", "0015_pathway_records"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(fields=["decided_at"], name="decision_decided_at_idx"),
        ),
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(fields=["approval_at"], name="decision_approval_at_idx"),
        ),
    ]
