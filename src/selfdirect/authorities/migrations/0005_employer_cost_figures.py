"""Top up the default policy figures (the personal assistant employer's cost figures were
added: insurance, payroll, PVG or DBS check, training, start-up and management costs)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0004_carers_threshold")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
