"""Load the Scottish and English default spending exclusions: the rules page and every
spending decision need them."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.spending.rulebook import load_defaults

    load_defaults(entry_model=apps.get_model("spending", "ExclusionEntry"))


class Migration(migrations.Migration):
    dependencies = [("spending", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
