from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .images import cleanup
        from .models import Item

        cleanup.connect(Item)
