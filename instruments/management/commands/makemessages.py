"""Django's makemessages, also finding the inputs' labels: the first argument of every
``spec("Label", ...)`` declaration is a user-facing string (help texts and choice
labels are marked with ``gettext_noop``)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=spec"]
