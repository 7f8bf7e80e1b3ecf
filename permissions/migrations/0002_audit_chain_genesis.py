from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    apps.get_model("permissions", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):
    """The chain starts from one head row, so appending always locks an existing row."""

    dependencies = [("permissions", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
