# On PostgreSQL, the database itself refuses to change or delete an audit
# entry, whatever the statement (a queryset's update() or delete(), raw
# SQL, a shell), not only the model's save() and delete(). TRUNCATE, which
# row triggers do not see, stays possible for the owner of the tables:
# test runs empty their databases that way. SQLite (demo and development
# only) empties tables with DELETE, so it gets no trigger.

from django.db import migrations

FUNCTION = "balangan_pintar_audit_unchangeable"
TRIGGER = "audit_entries_unchangeable"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries cannot be changed or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE "
        f"ON balangan_pintar_auditentry FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON balangan_pintar_auditentry"
    )
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("balangan_pintar", "0003_audit_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
