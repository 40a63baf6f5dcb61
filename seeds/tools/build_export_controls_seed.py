"""Rebuild ``seeds/export_controls.csv`` from the shared copy of USGS MCS 2026 table 4.

    .venv/bin/python seeds/tools/build_export_controls_seed.py ../shared/data

USGS gives one row per country, its ``Commodity_Year`` listing several materials, each
with its year in brackets ("Antimony (2024), bismuth (2025), ..."). Each material
becomes one row here, named as USGS names it, with the year USGS gives and the
commodities of the app it covers (``LINKS`` below: a reading of ours, empty where the
app holds no such commodity). The measure, the country, the cited source address and
the USGS note are copied unchanged.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

SOURCE = (
    "U.S. Geological Survey, 2026, Mineral commodity summaries 2026 data release, "
    "doi:10.5066/P1WKQ63T, table T4 (Country Export Control)"
)
_RARE_EARTHS = (
    "cerium-oxide dysprosium-oxide erbium-oxide europium-oxide gadolinium-oxide "
    "holmium-oxide lanthanum-oxide lutetium-oxide mischmetal ndpr-metal ndpr-oxide "
    "neodymium-oxide praseodymium-oxide rare-earth-concentrate samarium-oxide "
    "scandium scandium-oxide terbium-oxide ytterbium-oxide yttrium yttrium-oxide"
)
# (ISO3, material as written here) -> the app's commodity codes it covers.
LINKS = {
    ("IDN", "Bauxite"): "bauxite",
    ("IDN", "Nickel ore"): "nickel-ore",
    (
        "LAO",
        "Raw minerals, including copper, gold, iron, nickel, potassium, silver, and zinc",
    ): "iron-ore nickel-ore",
    ("MYS", "Raw rare earths"): "rare-earth-concentrate",
    (
        "NAM",
        "Ores and concentrates of cobalt, graphite, lithium, manganese, and rare earths",
    ): "graphite manganese-ore rare-earth-concentrate",
    ("TZA", "Ore concentrates of copper, gold, nickel, and silver"): "nickel-ore",
    (
        "VEN",
        "Bauxite, cassiterite, columbite-tantalite, copper, gold, rhodium, silver, and thorium",
    ): "bauxite copper gold rhodium silver tantalite",
    (
        "VNM",
        "Raw materials of iron, lead-zinc, chromite, manganese, apatite, and rare earths and deeply processed titanium",
    ): "chromite iron-ore manganese-ore phosphate-rock rare-earth-concentrate",
    ("CHN", "Antimony"): "antimony",
    ("CHN", "Bismuth"): "bismuth",
    ("CHN", "Gallium"): "gallium",
    ("CHN", "Germanium"): "germanium germanium-dioxide",
    ("CHN", "Graphite"): "graphite",
    ("CHN", "Indium"): "indium",
    ("CHN", "Magnesium materials"): "magnesium",
    ("CHN", "Molybdenum"): "molybdic-oxide",
    ("CHN", "Rare earths"): _RARE_EARTHS,
    ("CHN", "Silver"): "silver",
    ("CHN", "Tellurium"): "tellurium",
    ("CHN", "Tungsten"): "tungsten",
    ("COD", "Cobalt"): "cobalt cobalt-oxides",
    ("MAR", "Copper (refined and alloys) and aluminum ingots"): "aluminum copper",
    ("ZAF", "Chromite ore"): "chromite",
}
ITEM = re.compile(r"\s*(?:,\s*)?(?:and\s+)?(.+?)\s*\((\d{4})\)")
COLUMNS = (
    "country",
    "country_name",
    "material",
    "commodities",
    "measure",
    "year",
    "in_force_from",
    "in_force_until",
    "hs_codes",
    "source",
    "source_url",
    "note",
)


def split_items(text: str) -> list[tuple[str, int]]:
    """``"Bauxite (2023), copper concentrates (2023), and nickel ore (2020)."`` ->
    ``[("Bauxite", 2023), ("Copper concentrates", 2023), ("Nickel ore", 2020)]``."""
    items = []
    for match in ITEM.finditer(text):
        name = match.group(1).strip()
        items.append((name[:1].upper() + name[1:], int(match.group(2))))
    return items


def main(shared: Path, seeds: Path) -> None:
    with (shared / "export_controls_usgs.csv").open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    rows = []
    used = set()
    for record in published:
        iso3 = record["iso3"]
        for material, year in split_items(record["Commodity_Year"]):
            used.add((iso3, material))
            rows.append(
                {
                    "country": iso3,
                    "country_name": record["Country"].strip(),
                    "material": material,
                    "commodities": LINKS.get((iso3, material), ""),
                    "measure": record["Control_Type"].strip(),
                    "year": year,
                    "in_force_from": "",
                    "in_force_until": "",
                    "hs_codes": "",
                    "source": SOURCE,
                    "source_url": record["Data_source"].strip(),
                    "note": record["Notes"].strip(),
                }
            )
    unused = set(LINKS) - used
    if unused:
        raise SystemExit(f"Links to materials not in the file: {sorted(unused)}")
    with (seeds / "export_controls.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sys.stdout.write(f"{len(rows)} export controls from {len(published)} USGS rows.\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent)
