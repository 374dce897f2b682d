"""Lets the Dinas administrator group edit the period rules and school quotas
in the admin, and read the decisions there."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_GROUP = "dinas_admin"
GRANTS = {
    "periodrules": ("view", "add", "change"),
    "schoolquota": ("view", "add", "change", "delete"),
    "decision": ("view",),
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make them
    # now so that they can be granted here.
    create_permissions(
        global_apps.get_app_config("verification"), verbosity=0, apps=apps
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in GRANTS.items() for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="verification", codename__in=codenames
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=ADMIN_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="verification")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0001_initial"),
        ("balangan_pintar", "0002_roles_and_sop"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
