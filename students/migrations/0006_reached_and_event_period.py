# Two copies for the progress report, filled in here for what is stored:
# each candidate's set of statuses ever held (one bit per status, as
# students.models.STATUS_BITS numbers them on the day of this migration), and
# each stage event's period, with an index on (period, step) that on
# PostgreSQL also carries the columns the weekly trend reads.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Q, Subquery

STATUS_BITS = {
    "listed": 1 << 0,
    "draft": 1 << 1,
    "withdrawn": 1 << 2,
    "submitted": 1 << 3,
    "returned": 1 << 4,
    "rejected": 1 << 5,
    "approved": 1 << 6,
    "sent_to_bank": 1 << 7,
    "bank_rejected": 1 << 8,
    "account_opened": 1 << 9,
    "card_printed": 1 << 10,
    "delivered": 1 << 11,
    "undelivered": 1 << 12,
}

INDEX = "students_stageevent_period_step"


def fill_in(apps, schema_editor):
    Candidate = apps.get_model("students", "Candidate")
    StageEvent = apps.get_model("students", "StageEvent")
    StageEvent.objects.update(
        period_id=Subquery(
            Candidate.objects.filter(pk=OuterRef("candidate_id")).values("period_id")
        )
    )
    for status, bit in STATUS_BITS.items():
        held = StageEvent.objects.filter(candidate=OuterRef("pk"), to_status=status)
        Candidate.objects.filter(Q(status=status) | Exists(held)).update(
            reached=F("reached").bitor(bit)
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: PostgreSQL refuses to alter a
        # table with checks still pending, as the next operation does.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def create_period_index(apps, schema_editor):
    include = ""
    if schema_editor.connection.vendor == "postgresql":
        include = " INCLUDE (to_status, at)"
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON students_stageevent (period_id, step){include}"
    )


def drop_period_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("balangan_pintar", "0003_audit_indexes"),
        ("students", "0005_candidate_school_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="reached",
            field=models.PositiveIntegerField(
                default=1, verbose_name="status yang pernah dicapai"
            ),
        ),
        migrations.AddField(
            model_name="stageevent",
            name="period",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="balangan_pintar.period",
                verbose_name="periode",
            ),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stageevent",
            name="period",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="balangan_pintar.period",
                verbose_name="periode",
            ),
        ),
        migrations.RunPython(create_period_index, drop_period_index),
    ]
