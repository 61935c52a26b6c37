"""Load the national default policy figures: the platform cannot work without them."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0002_policy_figures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
