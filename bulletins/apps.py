from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .caching import triggers
        from .images import cleanup
        from .models import Item

        cleanup.connect(Item)
        # Triggers in their current definition after every migrate (see triggers.py).
        post_migrate.connect(triggers.ensure, sender=self, dispatch_uid="bulletins-triggers")
        from .search import ensure_index

        post_migrate.connect(ensure_index, sender=self, dispatch_uid="bulletins-search-index")

        from .history import register_models

        register_models()
