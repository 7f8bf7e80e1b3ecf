import django.db.models.functions
from django.conf import settings
from django.db import migrations, models

import casework.clock


def from_open_tasks(apps, schema_editor):
    """Each application waits since its open workflow task opened (the inbox counted those
    tasks before); one without a task since it was last saved."""
    Application = apps.get_model("casework", "Application")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("viewflow", "Task")
    content_type = ContentType.objects.filter(app_label="casework", model="application").first()
    opened = Task.objects.filter(
        process__artifact_content_type=content_type,
        process__artifact_object_id=models.OuterRef("pk"),
        status__in=["NEW", "ASSIGNED", "STARTED"],
    ).order_by("-created")
    Application.objects.update(
        status_changed_at=django.db.models.functions.Coalesce(
            models.Subquery(opened.values("created")[:1]), models.F("updated_at")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0017_data_imports"),
        ("viewflow", "0015_task_scheduled"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="status_changed_at",
            field=models.DateTimeField(
                default=casework.clock.now, editable=False, verbose_name="in this status since"
            ),
        ),
        migrations.RunPython(from_open_tasks, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="application",
            options={
                "ordering": ["-id"],
                "permissions": [
                    ("work_village_stage", "Can work the village stage"),
                    ("check_at_township", "Can check applications at the township"),
                    ("recheck_at_county", "Can recheck applications for the county"),
                    ("approve_at_county", "Can approve applications for the county"),
                    ("file_at_city", "Can file approved applications at the city"),
                ],
                "verbose_name": "application",
                "verbose_name_plural": "applications",
            },
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["status", "region", "status_changed_at"], name="application_waiting"
            ),
        ),
    ]
