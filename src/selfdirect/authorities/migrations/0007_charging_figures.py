"""Top up the default policy figures (the charging thresholds, taper, cap, flat rates and
income disregards were added)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0006_panel_thresholds")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
