"""Top up the default policy figures (how long a person's record, sign-in events and the
uses of API tokens are kept: ``retention.*``, read by the dataprotection app)."""

from django.db import migrations


def load(apps, schema_editor):
    from selfdirect.authorities.policy import load_defaults

    load_defaults(figure_model=apps.get_model("authorities", "PolicyFigure"))


class Migration(migrations.Migration):
    dependencies = [("authorities", "0010_data_protection_role")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
