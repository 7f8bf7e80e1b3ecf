from django.db import migrations, models


def counted_as_representatives(apps, schema_editor):
    """A meeting recorded before the kinds of attendee has only its number: kept as its
    representatives, so that the kinds still add up to it. Its minutes stay blank (the rule
    asks them of new meetings)."""
    Appraisal = apps.get_model("casework", "Appraisal")
    Appraisal.objects.update(representatives=models.F("attendee_count"))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0023_data_comparisons"),
    ]

    operations = [
        migrations.AddField(
            model_name="appraisal",
            name="minutes",
            field=models.TextField(blank=True, default="", verbose_name="minutes"),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="old_cadres",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="old cadres"),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="party_members",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="old party members"),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="peers",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="peers of the applicants"
            ),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="representatives",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="villagers' representatives"
            ),
        ),
        migrations.AddField(
            model_name="householdvisit",
            name="checklist",
            field=models.JSONField(blank=True, default=list, verbose_name="checks done"),
        ),
        migrations.RunPython(counted_as_representatives, migrations.RunPython.noop),
    ]
