"""Rebuild seeds/trade_flows.csv and seeds/fx_rates.csv from the shared data set.

    .venv/bin/python seeds/tools/build_trade_seeds.py ../shared/data

Reads ``trade_flows_baci.csv`` and ``fx_monthly_h10.csv`` (see the shared SOURCES.md)
and writes them in this project's format. The only changes: years 2015-2024 only,
flows under 10 thousand USD left out, BACI's ``S19`` ("Other Asia, nes") written as
``TWN``, quantities rounded to BACI's 3 decimals (one float artefact). See
seeds/README.md.
"""

from __future__ import annotations

import csv
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2015, 2024
MIN_VALUE_KUSD = Decimal(10)
BACI_TO_ISO3 = {"S19": "TWN"}
FX_SOURCE = "US Federal Reserve H.10, monthly average, via FRED (see seeds/README.md)"


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def main(shared: Path, seeds: Path) -> None:
    with (
        (shared / "trade_flows_baci.csv").open(newline="") as handle,
        (seeds / "trade_flows.csv").open("w", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["year", "hs_code", "exporter", "importer", "value", "quantity"]
        )
        kept = 0
        for row in csv.DictReader(handle):
            year = int(row["year"])
            value = Decimal(row["value_kusd"])
            if not FIRST_YEAR <= year <= LAST_YEAR or value < MIN_VALUE_KUSD:
                continue
            quantity = row["quantity_t"]
            if quantity:
                quantity = _plain(
                    Decimal(quantity).quantize(Decimal("0.001"), ROUND_HALF_EVEN)
                )
            writer.writerow(
                [
                    year,
                    row["hs6"],
                    BACI_TO_ISO3.get(row["exporter_iso3"], row["exporter_iso3"]),
                    BACI_TO_ISO3.get(row["importer_iso3"], row["importer_iso3"]),
                    row["value_kusd"],
                    quantity,
                ]
            )
            kept += 1
    with (
        (shared / "fx_monthly_h10.csv").open(newline="") as handle,
        (seeds / "fx_rates.csv").open("w", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["currency", "period", "units_per_usd", "source"])
        rows = sorted(csv.DictReader(handle), key=lambda r: (r["currency"], r["month"]))
        for row in rows:
            writer.writerow(
                [
                    row["currency"],
                    f"{row['month']}-01",
                    row["currency_per_usd"],
                    FX_SOURCE,
                ]
            )
    sys.stdout.write(f"trade flows: {kept}; fx rates: {len(rows)}\n")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent.parent
    main(Path(sys.argv[1]), here)
