"""Plotly figure builders shared by every instrument: a result or a price history in,
a JSON-ready figure dict out.

``base`` holds colours, layout, units and the JSON-ready form; ``results`` the charts of
one calculation (each instrument draws its own, in ``presentation.instruments``);
``comparison`` the chart comparing instruments; ``prices``, ``supply`` and
``sensitivity`` the data pages' and sensitivity charts; ``static_image`` the briefing's
images. No Django here. Pages pass the dict to the template with json_script and draw
it with Plotly.newPlot from the project's own static plotly.min.js.
"""
