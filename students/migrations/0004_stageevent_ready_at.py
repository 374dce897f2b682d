# Each stage event keeps the moment its candidate became ready for the step
# (the previous event's time), filled in here for the events already stored,
# and the (step, at) index becomes a covering one on PostgreSQL, so that the
# reports' scans over many events read the index alone.

from django.db import migrations, models

BACKFILL = """
    UPDATE students_stageevent SET ready_at = previous.at
    FROM (
        SELECT id, LAG(at) OVER (PARTITION BY candidate_id ORDER BY at, id) AS at
        FROM students_stageevent
    ) AS previous
    WHERE previous.id = students_stageevent.id AND previous.at IS NOT NULL
"""

INDEX = "students_stageevent_step_at"


def create_step_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON students_stageevent (step, at) "
            "INCLUDE (ready_at, to_status, candidate_id)"
        )
    else:
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON students_stageevent (step, at)"
        )


def drop_step_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0003_upload"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="stageevent",
            name="students_st_step_6fcd12_idx",
        ),
        migrations.AddField(
            model_name="stageevent",
            name="ready_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="siap sejak"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunPython(create_step_index, drop_step_index),
    ]
