"""Application configs the project adjusts."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginThrottlingConfig(AxesAppConfig):
    """django-axes under a name the editors' admin shows in their language."""

    verbose_name = _("Login throttling")
