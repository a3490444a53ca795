from django.db import migrations, models


def backfill_due(apps, schema_editor):
    from frontdoor.working_days import decision_due

    Contact = apps.get_model("referrals", "Contact")
    for contact in Contact.objects.only("pk", "received_at").iterator():
        Contact.objects.filter(pk=contact.pk).update(
            decision_due_at=decision_due(contact.received_at)
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="decision_due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(backfill_due, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contact",
            name="decision_due_at",
            field=models.DateTimeField(
                help_text="One working day after receipt (frontdoor.working_days.decision_due)."
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["status", "decision_due_at"], name="contact_status_due_idx"),
        ),
    ]
