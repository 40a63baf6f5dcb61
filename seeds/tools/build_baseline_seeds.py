"""Rebuild the calibrated-baseline seeds from the shared data set (INSTRUMENTS.md §10).

    .venv/bin/python seeds/tools/build_baseline_seeds.py ../shared/data

Reads ``world_production_usgs.csv`` and ``elasticities_published.csv`` (see the
shared SOURCES.md) and writes, in this project's format:

- ``world_production.csv``: every USGS row, renamed columns, values unchanged;
- ``elasticity_estimates.csv``: every published estimate, with a ``key`` of ours;
- ``commodity_production.csv``: which USGS series a commodity's output is read from,
  with the tonnes of the commodity per unit of the series (declared below);
- ``commodity_elasticities.csv``: the defaults chosen per commodity by the rules in
  seeds/README.md, each with the keys of the estimates used and a note saying how.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import sys
from pathlib import Path

# --- production links: commodity -> (series, stage, factor, illustrative, basis) ---------

_REO = "Rare earths"
_REO_BASIS = (
    "USGS rare earths are mine production in tonnes of rare-earth-oxide (REO) "
    "equivalent (lanthanides plus yttrium); {share} t of {name} per t of REO is an "
    "ILLUSTRATIVE round share of a mixed bastnaesite/ionic-clay output, not a "
    "published figure (separation output is not in MCS)."
)
_REO_SHARES = {
    "ndpr-oxide": ("0.2", "NdPr oxide"),
    "neodymium-oxide": ("0.15", "Nd oxide"),
    "praseodymium-oxide": ("0.05", "Pr oxide"),
    "lanthanum-oxide": ("0.25", "La oxide"),
    "cerium-oxide": ("0.4", "Ce oxide"),
    "samarium-oxide": ("0.02", "Sm oxide"),
    "europium-oxide": ("0.002", "Eu oxide"),
    "gadolinium-oxide": ("0.01", "Gd oxide"),
    "terbium-oxide": ("0.001", "Tb oxide"),
    "dysprosium-oxide": ("0.005", "Dy oxide"),
    "holmium-oxide": ("0.001", "Ho oxide"),
    "erbium-oxide": ("0.003", "Er oxide"),
    "ytterbium-oxide": ("0.002", "Yb oxide"),
    "lutetium-oxide": ("0.0005", "Lu oxide"),
    "yttrium-oxide": ("0.04", "Y oxide"),
}

PRODUCTION_LINKS: list[tuple[str, str, str, str, bool, str]] = [
    (code, _REO, "mine", share, True, _REO_BASIS.format(share=share, name=name))
    for code, (share, name) in _REO_SHARES.items()
] + [
    (
        "lithium-carbonate",
        "Lithium",
        "mine",
        "5.323",
        False,
        "USGS lithium is tonnes of Li contained; 5.323 t Li2CO3 per t Li (73.89 / "
        "(2 x 6.941)): all mined lithium counted as lithium carbonate equivalent (LCE).",
    ),
    (
        "lithium-hydroxide",
        "Lithium",
        "mine",
        "6.046",
        False,
        "USGS lithium is tonnes of Li contained; 6.046 t LiOH.H2O per t Li (41.96 / "
        "6.941): all mined lithium counted as hydroxide monohydrate equivalent, the "
        "same tonnes as the carbonate link, not a split between them.",
    ),
    (
        "cobalt",
        "Cobalt",
        "mine",
        "1",
        False,
        "USGS cobalt mine production is tonnes of cobalt content; 1 t of cobalt per t "
        "contained (mine output, not refined output: China's refining is not in MCS).",
    ),
    (
        "cobalt-oxides",
        "Cobalt",
        "mine",
        "1.362",
        False,
        "USGS cobalt mine production is tonnes of cobalt content; 1.362 t Co3O4 per t "
        "Co (240.80 / (3 x 58.93)): all mined cobalt counted as oxide equivalent.",
    ),
    (
        "nickel-ore",
        "Nickel",
        "mine",
        "66.67",
        True,
        "USGS nickel mine production is tonnes of nickel content; HS 260400 is gross "
        "weight. 66.67 t of ore per t Ni assumes a 1.5 % Ni laterite grade: an "
        "ILLUSTRATIVE figure, not a published one (sulphide concentrates run 10-15 %).",
    ),
    (
        "graphite",
        "Graphite (natural)",
        "mine",
        "1",
        False,
        "USGS natural graphite mine production is tonnes gross weight; 1 t of natural "
        "graphite per t (no synthetic graphite).",
    ),
    (
        "aluminum",
        "Aluminum",
        "smelter",
        "1000",
        False,
        "USGS aluminum smelter production is in thousand metric tons of primary "
        "aluminium; 1,000 t per unit.",
    ),
]


# --- estimate keys -------------------------------------------------------------------


def estimate_key(row: dict[str, str]) -> str:
    """A short, stable key per published estimate (unique in the file)."""
    source, scope, parameter = row["source"], row["scope"], row["parameter"]
    if source.startswith("Hauk"):
        code = re.search(r"HS6 (\d{6})", scope)
        kind = "sub" if "substitution" in parameter else "imp"
        return f"hauk-{kind}-{code[1] if code else scope}"
    if source.startswith("Broda"):
        found = re.search(r"Importer (\w{3}); HS0 3-digit (\d{3})", scope)
        return f"bw-{found[2]}-{found[1].lower()}" if found else scope
    if source.startswith("Fally"):
        kind = "supply" if "supply" in parameter else "demand"
        metal = scope.removeprefix("World market, ").split(" (")[0]
        return f"fs-{kind}-{metal.lower().replace(' ', '-')}"
    if source.startswith("Pothen"):
        kind = "esubd" if "esubd" in parameter else "esubm"
        sector = re.search(r"sector (\w+)", scope)
        return f"ph-{kind}-{sector[1].lower() if sector else scope}"
    if source.startswith("Fontagn"):
        section = re.search(r"HS section (\w+)", scope)
        sector = re.search(r"sector (\w+)", scope)
        if section:
            return f"fgo-section-{section[1].lower()}"
        if sector:
            return f"fgo-gtap-{sector[1].lower()}"
        return "fgo-all-" + ("zeros" if "set to zero" in parameter else "significant")
    raise ValueError(f"No key rule for {source!r}")


# --- elasticity choices ----------------------------------------------------------------

# commodity -> HS code(s) of its stored trade flows (the first decides), the BACI
# heading, the Fally-Sayre metal (or None), and a proxy Hauk code when its own is absent
ELASTICITY_COMMODITIES: dict[str, tuple[list[str], str | None]] = {
    **{code: (["284690"], None) for code in _REO_SHARES if code != "cerium-oxide"},
    "scandium-oxide": (["284690"], None),
    "cerium-oxide": (["284610"], None),
    "mischmetal": (["280530"], None),
    "ndpr-metal": (["280530"], None),
    "scandium": (["280530"], None),
    "yttrium": (["280530"], None),
    "lithium-carbonate": (["283691"], None),
    "lithium-hydroxide": (["282520"], None),
    "cobalt": (["810510"], "Cobalt"),
    "cobalt-oxides": (["282200"], "Cobalt"),
    "nickel-ore": (["260400"], "Nickel"),
    "graphite": (["250410", "250490"], None),
    "aluminum": (["760110"], "Aluminium"),
}
PROXY_IMPORT_DEMAND = {"260400": ("750210", "750110")}  # nickel unwrought, mattes
BW_WEAK = 20.0  # the file: values above about 20 mean weak identification


_MIRROR = re.compile(
    r"(read in |transcribed in comments of )?"
    r"GitHub [\w.-]+/[\w.-]+ @ [0-9a-f]{7,40},? ?"
)


def no_mirror(text: str) -> str:
    """Where a copy was read stays in seeds/README.md, not in the data."""
    return _MIRROR.sub(
        lambda m: (m.group(1) or "") + "the copy named in seeds/README.md: ", text
    )


def _f(text: str) -> float | None:
    return float(text) if text else None


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def choose(
    code: str, hs: list[str], metal: str | None, by_key: dict[str, dict[str, str]]
) -> list[dict[str, str]]:
    rows = []
    rows.append(_import_demand(hs, metal, by_key))
    rows.append(_substitution(hs, by_key))
    rows.append(_supply(metal, by_key))
    return [{"commodity": code, **row} for row in rows]


def _import_demand(
    hs: list[str], metal: str | None, by_key: dict[str, dict[str, str]]
) -> dict[str, str]:
    keys = [f"hauk-imp-{c}" for c in hs if f"hauk-imp-{c}" in by_key]
    borrowed = ""
    if not keys:
        proxies = PROXY_IMPORT_DEMAND[hs[0]]
        keys = [f"hauk-imp-{c}" for c in proxies]
        borrowed = (
            f"Hauk has no HS6 {hs[0]}; BORROWED from Hauk (2012) US import demand for "
            f"HS6 {proxies[0]} (the metal), "
        )
    main = float(by_key[keys[0]]["value"])
    value = -main
    others = [float(by_key[k]["value"]) for k in keys[1:]]
    fs_keys = []
    if metal is not None:
        fs_key = f"fs-demand-{metal.lower()}"
        fs_keys = [fs_key]
        fs = by_key[fs_key]
        others += [v for v in (_f(fs["value"]), _f(fs["low"]), _f(fs["high"])) if v]
    if others:
        span = [main, *others]
        low, high = -max(span), -min(span)
        rest = " and ".join(
            [f"Hauk HS6 {k.rsplit('-', 1)[1]} |{by_key[k]['value']}|" for k in keys[1:]]
            + (
                [f"Fally-Sayre (2018) Table 1 {metal.lower()} demand"]
                if metal is not None
                else []
            )
        )
        how = f"range spans {rest}"
    else:
        low, high = value * 1.5, value * 0.5
        how = "range +/-50 % because only one estimate exists"
    note = (
        (borrowed or f"Hauk (2012) US import demand for HS6 {hs[0]}, ")
        + f"|{by_key[keys[0]]['value']}| -> {_fmt(value)}; {how}: [{_fmt(low)}, {_fmt(high)}]."
    )
    return {
        "kind": "import_demand",
        "value": _fmt(value),
        "low": _fmt(low),
        "high": _fmt(high),
        "estimates": " ".join(keys + fs_keys),
        "note": note,
    }


def _bw(heading: str, by_key: dict[str, dict[str, str]]) -> dict[str, float]:
    return {
        k: float(r["value"])
        for k, r in by_key.items()
        if k.startswith(f"bw-{heading}-")
    }


def _bw_heading(hs6: str) -> str:
    return hs6[:3]


def _substitution(hs: list[str], by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    key = f"hauk-sub-{hs[0]}"
    heading = _bw_heading(hs[0])
    bw = _bw(heading, by_key)
    usable = {k: v for k, v in bw.items() if v <= BW_WEAK}
    dropped = sorted(k for k in bw if k not in usable)
    hauk = float(by_key[key]["value"]) if key in by_key else None
    if hauk is not None and hauk >= 1:
        value = hauk
        how = f"Hauk (2012) substitution among US import sources, HS6 {hs[0]}: {by_key[key]['value']}"
    else:
        value = statistics.median(bw.values())
        why = (
            f"Hauk's HS6 {hs[0]} estimate {by_key[key]['value']} is below 1 (wrong sign, "
            "per the file)"
            if hauk is not None
            else f"Hauk has no HS6 {hs[0]}"
        )
        how = (
            f"{why}, so the Broda-Weinstein (2006) median of HS3 {heading} over the 8 "
            f"importers: {_fmt(value)}"
        )
    low = min(value, *usable.values())
    high = max(value, *usable.values())
    weak = (
        f" ({', '.join(d.rsplit('-', 1)[1].upper() for d in dropped)} above {BW_WEAK:g} "
        "left out: the file calls such values weakly identified)"
        if dropped
        else ""
    )
    note = (
        f"{how}; range: Broda-Weinstein HS3 {heading} min/max{weak}: "
        f"[{_fmt(low)}, {_fmt(high)}]."
    )
    keys = ([key] if key in by_key else []) + sorted(bw)
    return {
        "kind": "substitution",
        "value": _fmt(value),
        "low": _fmt(low),
        "high": _fmt(high),
        "estimates": " ".join(keys),
        "note": note,
    }


def _supply(metal: str | None, by_key: dict[str, dict[str, str]]) -> dict[str, str]:
    if metal is not None:
        key = f"fs-supply-{metal.lower()}"
        row = by_key[key]
        low, high = float(row["low"]), float(row["high"])
        value = math.sqrt(low * high)
        note = (
            f"Fally-Sayre (2018) Table 1 supply range for {metal.lower()} "
            f"[{row['low']}, {row['high']}] (secondary transcription); value = "
            f"geometric mean {_fmt(value)}."
        )
        keys = [key]
    else:
        keys = sorted(k for k in by_key if k.startswith("fs-supply-"))
        lows = [float(by_key[k]["low"] or by_key[k]["value"]) for k in keys]
        highs = [float(by_key[k]["high"] or by_key[k]["value"] or 0) for k in keys]
        low, high = min(lows), max(highs)
        value = math.sqrt(low * high)
        note = (
            "BORROWED: Fally-Sayre (2018) Table 1 has no supply estimate for this "
            "commodity; the range over the metals it lists (nickel, aluminium, zinc, "
            "tin, iron ore, cobalt, manganese) "
            f"[{_fmt(low)}, {_fmt(high)}], value = geometric mean {_fmt(value)}."
        )
    return {
        "kind": "supply",
        "value": _fmt(value),
        "low": _fmt(low),
        "high": _fmt(high),
        "estimates": " ".join(keys),
        "note": note,
    }


def main(shared: Path, seeds: Path) -> None:
    with (shared / "world_production_usgs.csv").open(newline="", encoding="utf-8") as f:
        production = list(csv.DictReader(f))
    with (seeds / "world_production.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            [
                "series",
                "stage",
                "country_name",
                "iso3",
                "year",
                "quantity",
                "unit",
                "estimated",
                "edition",
                "note",
            ]
        )
        for r in production:
            writer.writerow(
                [
                    r["commodity"],
                    r["stage"],
                    r["country"],
                    r["iso3"],
                    r["year"],
                    r["quantity"],
                    r["unit"],
                    r["estimated"],
                    r["edition"],
                    r["note"],
                ]
            )
    with (seeds / "commodity_production.csv").open(
        "w", newline="", encoding="utf-8"
    ) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            ["commodity", "series", "stage", "factor", "illustrative", "basis"]
        )
        for code, series, stage, factor, illustrative, basis in PRODUCTION_LINKS:
            writer.writerow(
                [code, series, stage, factor, str(illustrative).lower(), basis]
            )

    with (shared / "elasticities_published.csv").open(
        newline="", encoding="utf-8"
    ) as f:
        estimates = list(csv.DictReader(f))
    by_key: dict[str, dict[str, str]] = {}
    columns = [
        "parameter",
        "scope",
        "value",
        "low",
        "high",
        "horizon",
        "source",
        "where_in_source",
        "note",
    ]
    for r in estimates:
        key = estimate_key(r)
        if key in by_key:
            raise SystemExit(f"Duplicate key {key}")
        by_key[key] = r
    with (seeds / "elasticity_estimates.csv").open(
        "w", newline="", encoding="utf-8"
    ) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["key", *columns])
        for key, r in by_key.items():
            writer.writerow([key, *(no_mirror(r[c]) for c in columns)])
    with (seeds / "commodity_elasticities.csv").open(
        "w", newline="", encoding="utf-8"
    ) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            ["commodity", "kind", "value", "low", "high", "estimates", "note"]
        )
        for code, (hs, metal) in ELASTICITY_COMMODITIES.items():
            for row in choose(code, hs, metal, by_key):
                low, value, high = (float(row[k]) for k in ("low", "value", "high"))
                assert low <= value <= high, row
                writer.writerow(
                    [
                        row[c]
                        for c in (
                            "commodity",
                            "kind",
                            "value",
                            "low",
                            "high",
                            "estimates",
                            "note",
                        )
                    ]
                )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1])
