"""Writes and orchestration, one module per concern (keyword-only, typed functions).

- ``calculation``: run_calculation() for the API and the pages;
- ``stored_inputs``: stored prices, FX, member groups, schedules, producers -> request values;
- ``imports``: file imports, all rows or none;
- ``seeding``: the seed command's work;
- ``scenarios``: saved scenarios.

Services know nothing of HTTP; views, API views and the admin call them.
"""
