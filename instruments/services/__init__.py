"""Writes and orchestration, one module per concern (keyword-only, typed functions).

- ``calculation``: run_calculation() for the API and the pages;
- ``stored_inputs``: one declaration per stored input (prices, producers, trade flows,
  goods, member groups, schedules, FX) and the filler that turns it into request values;
- ``data_versions``: versions of the stored tables, for the result cache;
- ``jobs``: long work for the workers, one runner table; ``sensitivity``: sweeps;
- ``imports``: file imports, all rows or none;
- ``seeding`` (with ``seed_files`` and ``trade_data``): the seed command's work;
- ``scenarios``: saved scenarios; ``accounts``, ``stewards``: users and their keys.

Services know nothing of HTTP; views, API views and the admin call them.
"""
