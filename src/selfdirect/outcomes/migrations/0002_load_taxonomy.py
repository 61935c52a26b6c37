"""Load the outcome frameworks: outcomes cannot be recorded without them."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.outcomes.taxonomy import load_taxonomy

    load_taxonomy(term_model=apps.get_model("outcomes", "OutcomeTerm"))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
