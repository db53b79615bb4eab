"""A check constraint on issues: on SQLite, the issue table is rebuilt (as in 0009)."""

from django.db import migrations, models

from . import latest


class Migration(migrations.Migration):
    dependencies = [latest()]

    operations = [
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.CheckConstraint(
                condition=models.Q(number__gte=1), name="rebuild_test_issue_number_positive"
            ),
        ),
    ]
