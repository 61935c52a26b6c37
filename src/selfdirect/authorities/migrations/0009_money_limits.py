"""Top up the default policy figures (the largest amounts a plan line, a budget
adjustment, a funding line and an envelope may be: ``authorities.limits``)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0008_payment_figures")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
