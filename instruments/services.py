"""Writes and glue: imports and seeding, saving scenarios, and run_calculation().

Services know nothing of HTTP; views and API views call them.
"""

from __future__ import annotations

# --- data imports and seeding (foundation) -------------------------------------------


# --- running a calculation (API and pages) -------------------------------------------
