"""Top up the default policy figures (the resource allocation panel's thresholds were added)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0005_employer_cost_figures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
