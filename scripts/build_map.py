#!/usr/bin/env python3
"""Build the country shapes of the HTML report's world map.

Reads the Natural Earth Admin 0 boundaries as TopoJSON (npm package
world-atlas 2.0.2: countries-110m.json for the shapes, countries-50m.json for
the position of states too small to be drawn at 1:110m) and the ISO 3166 code
table of datasets/country-codes, from a local copy of the source data
(default: ../shared/data relative to the repository root, else
../../shared/data), and writes src/report/html/world-110m.txt, which the
binary embeds. The projection is not applied here: atrisk projects the
longitudes and latitudes when it writes a report.

Rules:
  * Arcs are decoded (quantized TopoJSON: delta-decoded, then scaled and
    translated) and joined into the rings of each country, reversed where the
    topology says so.
  * Rings that cross the antimeridian (Fiji, the east of Russia) are cut
    there into parts that stay within -180..180 degrees of longitude.
  * Coordinates are rounded to a tenth of a degree (about 11 km, under a
    third of a pixel on a 1,000-pixel-wide world map); consecutive points
    that round to the same place are merged, and rings left with fewer than
    three points are dropped.
  * A shape's id is its ISO 3166-1 numeric code, mapped to the alpha-3 code
    through `ISO3166-1-numeric` and `ISO3166-1-Alpha-3` of country-codes.csv.
    Shapes without an id are matched by name where a code is in common use
    (Kosovo: XKX, the user-assigned code the shipped panel uses); the others
    (N. Cyprus, Somaliland) keep an empty code.
  * Antarctica is left out: no country data describe it and it would take a
    sixth of the map's height.
  * For each code that has a shape at 1:50m but none at 1:110m, one point is
    written: the centroid of its largest polygon at 1:50m. The report draws
    it as a dot when that code is a country of the data.

Output, one line per shape, fields separated by tabs:
  ISO3 (may be empty), the Natural Earth name, then either the rings
  (`;`-separated; a ring is `lon,lat` pairs in tenths of a degree separated
  by spaces, the first point not repeated) or `@lon,lat` for a dot.
Lines starting with `#` are comments.

Usage:
    python3 scripts/build_map.py [--shared DIR] [--out src/report/html/world-110m.txt]
"""

import argparse
import csv
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Shapes without a numeric id, matched by name.
NAME_CODES = {"Kosovo": "XKX"}
# Codes left off the map.
LEFT_OUT = {"ATA"}

HEADER = """\
# Country shapes of the HTML report's world map. Written by
# scripts/build_map.py; do not edit by hand.
# Shapes: Natural Earth Admin 0 countries, 1:110m, version 4.1.0 (public
# domain), as packaged in the npm package world-atlas 2.0.2, copyright
# 2013-2019 Michael Bostock, ISC licence (see world-110m.LICENSE). Dots for
# states too small for 1:110m: centroid of their largest polygon at 1:50m,
# from the same package. Borders are Natural Earth's de facto lines.
# ISO 3166-1 alpha-3 codes: datasets/country-codes (ODC-PDDL-1.0).
# Fields: ISO3 (may be empty), name, then rings (`;`-separated, `lon,lat`
# pairs in tenths of a degree) or `@lon,lat` for a dot.
"""


def default_shared() -> Path:
    for candidate in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "data"


def numeric_to_iso3(path: Path) -> dict:
    out = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            num, iso3 = row["ISO3166-1-numeric"].strip(), row["ISO3166-1-Alpha-3"].strip()
            if num and iso3:
                out[num.zfill(3)] = iso3
    return out


def decode_arcs(topo: dict) -> list:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indices: list) -> list:
    points = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        # Consecutive arcs share their end point.
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict, arcs: list) -> list:
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in poly] for poly in geometry["arcs"]]
    return []


def code_of(geometry: dict, codes: dict) -> str:
    if "id" in geometry:
        return codes.get(str(geometry["id"]).zfill(3), "")
    return NAME_CODES.get(geometry.get("properties", {}).get("name", ""), "")


def unwrapped(points: list) -> list:
    """The ring with longitudes made continuous across the antimeridian."""
    out = [points[0]]
    offset = 0.0
    for lon, lat in points[1:]:
        step = lon + offset - out[-1][0]
        if step > 180:
            offset -= 360
        elif step < -180:
            offset += 360
        out.append((lon + offset, lat))
    return out


def clipped(points: list, keep) -> list:
    """Sutherland-Hodgman: the ring cut to the side of a vertical line where
    `keep(lon)` holds; `keep` is (test, line longitude)."""
    test, edge = keep
    out = []
    n = len(points)
    for i in range(n):
        a, b = points[i - 1], points[i]
        if test(b[0]):
            if not test(a[0]):
                out.append(crossing(a, b, edge))
            out.append(b)
        elif test(a[0]):
            out.append(crossing(a, b, edge))
    return out


def crossing(a: tuple, b: tuple, lon: float) -> tuple:
    t = (lon - a[0]) / (b[0] - a[0])
    return (lon, a[1] + t * (b[1] - a[1]))


def split_at_antimeridian(points: list) -> list:
    """Rings that cross the antimeridian, cut into parts within -180..180."""
    ring_ = unwrapped(points)
    lons = [p[0] for p in ring_]
    if min(lons) >= -180 and max(lons) <= 180:
        return [points]
    parts = []
    for shift in (-360, 0, 360):
        moved = [(x + shift, y) for x, y in ring_]
        moved = clipped(moved, (lambda x: x >= -180, -180))
        moved = clipped(moved, (lambda x: x <= 180, 180)) if moved else moved
        if len(moved) >= 3:
            parts.append(moved)
    return parts


def rounded(points: list) -> list:
    out = []
    for lon, lat in points:
        p = (round(lon * 10), round(lat * 10))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def area_centroid(points: list) -> tuple:
    """Signed area and centroid of a ring (planar, in degrees)."""
    a = cx = cy = 0.0
    n = len(points)
    for i in range(n):
        x0, y0 = points[i]
        x1, y1 = points[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        xs, ys = zip(*points)
        return 0.0, (sum(xs) / n, sum(ys) / n)
    return a / 2, (cx / (3 * a), cy / (3 * a))


def build(shared: Path, out: Path) -> None:
    codes = numeric_to_iso3(shared / "country-names" / "country-codes.csv")
    small = json.loads((shared / "natural-earth" / "countries-110m.json").read_text(encoding="utf-8"))
    large = json.loads((shared / "natural-earth" / "countries-50m.json").read_text(encoding="utf-8"))
    lines = []
    drawn = set()
    arcs = decode_arcs(small)
    for g in small["objects"]["countries"]["geometries"]:
        code = code_of(g, codes)
        if code in LEFT_OUT:
            continue
        rings = [
            rounded(part)
            for poly in polygons(g, arcs)
            for r in poly
            for part in split_at_antimeridian(r)
        ]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            raise SystemExit(f"{g['properties']['name']}: no ring left after rounding")
        drawn.add(code)
        text = ";".join(" ".join(f"{x},{y}" for x, y in r) for r in rings)
        lines.append((code, g["properties"]["name"], text))
    arcs = decode_arcs(large)
    dots = {}
    for g in large["objects"]["countries"]["geometries"]:
        code = code_of(g, codes)
        if not code or code in drawn or code in LEFT_OUT or code in dots:
            continue
        outer = [poly[0] for poly in polygons(g, arcs) if poly]
        if not outer:
            continue
        best = max(outer, key=lambda r: abs(area_centroid(r)[0]))
        _, (x, y) = area_centroid(best)
        dots[code] = (g["properties"]["name"], f"@{round(x * 10)},{round(y * 10)}")
    for code in sorted(dots):
        lines.append((code, dots[code][0], dots[code][1]))
    for code, name, _ in lines:
        if "\t" in name or "\n" in name:
            raise SystemExit(f"{code}: a tab or newline in the name")
    body = "".join(f"{c}\t{n}\t{t}\n" for c, n, t in lines)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    os.replace(tmp, out)
    shapes = sum(1 for _, _, t in lines if not t.startswith("@"))
    print(f"{out}: {shapes} shapes, {len(dots)} dots, {out.stat().st_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "report" / "html" / "world-110m.txt")
    a = parser.parse_args()
    build(a.shared, a.out)


if __name__ == "__main__":
    main()
