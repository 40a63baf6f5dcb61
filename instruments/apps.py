from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    """The one app: the data (commodities, prices, trade flows, partners) and the
    calculators of the trade instruments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "instruments"
    verbose_name = "Critical-minerals instruments"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.utils import translation as django_translation

        from instruments.calculators import translation
        from instruments.services.data_versions import connect_signals
        from instruments.services.stewards import create_data_stewards_group

        # The pure layers' words follow the language of the request being answered.
        translation.install(django_translation.gettext, django_translation.get_language)

        # A steward's edit bumps the version of the table the cached results read.
        connect_signals()

        # The "Data stewards" group exists after every migrate (and test database).
        post_migrate.connect(
            create_data_stewards_group,
            sender=self,
            dispatch_uid="instruments_data_stewards_group",
        )
