"""Every chart is drawn with the one shared Plotly config, which offers no cloud."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from instruments.presentation.charts.base import PLOTLY_CONFIG


def test_the_shared_config_turns_the_cloud_and_the_logo_off() -> None:
    assert PLOTLY_CONFIG["displaylogo"] is False
    assert PLOTLY_CONFIG["showSendToCloud"] is False
    assert PLOTLY_CONFIG["showEditInChartStudio"] is False
    assert PLOTLY_CONFIG["showLink"] is False
    assert "sendDataToCloud" in PLOTLY_CONFIG["modeBarButtonsToRemove"]


@pytest.mark.django_db
def test_every_page_carries_the_config_once(client: Any) -> None:
    html = client.get("/calculators/price-floor/").content.decode()
    assert html.count('id="plotly-config"') == 1
    found = re.search(r'id="plotly-config"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    config = json.loads(found.group(1))
    assert config == PLOTLY_CONFIG
