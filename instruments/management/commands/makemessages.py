"""Django's makemessages, also finding the declared words: the first argument of every
``spec("Label", ...)`` (an input's label) and the second of every ``Output(key,
"Label", ...)`` (a figure's label), and the sentence of every ``translatable(...)``
(a result's warning or note, translated when shown). Help texts, choice labels and
the calculators' titles are marked with ``gettext_noop``."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=spec",
        "--keyword=Output:2",
        "--keyword=translatable",
    ]
