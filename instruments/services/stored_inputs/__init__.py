"""Stored data -> request values, one declaration per stored input
(``catalogue.STORED_INPUTS``): prices (converted, with FX) and producers, trade flows,
downstream goods, member groups, policy schedules and exchange rates, filled in before
a calculator parses the request (``fill.fill_stored_inputs``)."""
