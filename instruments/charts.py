"""Plotly figure builders: a result or a price history in, a JSON-ready figure dict out.

No Django here. Pages pass the dict to the template with json_script and draw it with
Plotly.newPlot from the project's own static plotly.min.js.
"""

from __future__ import annotations

# --- price histories (admin and data pages) ------------------------------------------


# --- calculator results (officials' pages) -------------------------------------------
