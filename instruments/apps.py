from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    """The one app: commodities, price series and the four trade instruments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "instruments"
    verbose_name = "Critical-minerals instruments"
