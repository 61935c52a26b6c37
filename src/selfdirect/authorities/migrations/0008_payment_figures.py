"""Top up the default policy figures (how often direct payments are paid, when a shortfall
in delivered hours is flagged, the surplus threshold and the time to respond to a proposed
recovery were added)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0007_charging_figures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
