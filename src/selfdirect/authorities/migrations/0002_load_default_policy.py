"""Load the national default policy figures: the platform cannot work without them.

``load_defaults`` is idempotent: it adds what is missing and leaves what an authority
has changed. When a figure is added to the data files, add a migration that calls it
again, so a database that is already running gets the new figure."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
