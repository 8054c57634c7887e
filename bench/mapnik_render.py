#!/usr/bin/python3
"""Render xiang's benchmark tile list with Mapnik, the peer renderer.

Run by bench/run.sh with Debian's /usr/bin/python3 and python3-mapnik. It
draws the synthetic campaign that `xiang-bench gen` wrote, in Web Mercator
(mapnik-N.geojson, so Mapnik does not reproject on every tile), with the
style in style.json: areas filled at 35 % and outlined, routes stroked with
round caps and joins, markers as outlined white discs; a 16 px buffer. Each
tile is rendered into a fresh mapnik.Image(256, 256) and encoded with
image.tostring(FORMAT); the two steps are timed per tile, and the PNG bytes
kept in memory until the pass is over. The result is JSON in the shape of
`xiang-bench render -json`.

With --plain it draws any GeoJSON instead (`xiang export` of the campaign,
projected by `xiang-bench merc`) in a plain style that needs no properties:
polygons filled at 35 % and outlined, lines stroked 2 px, points as 8 px
outlined discs, each by geometry type.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import mapnik

# Web Mercator, spelled the same for the map and the layer so that Mapnik
# knows no transformation is needed.
MERC = ("+proj=merc +a=6378137 +b=6378137 +lat_ts=0.0 +lon_0=0.0 +x_0=0.0 "
        "+y_0=0 +k=1.0 +units=m +nadgrids=@null +wktext +no_defs +over")
EXTENT = 20037508.342789244
TILE = 256


def style_xml(style, geojson):
    """Returns the map definition for the synthetic campaign."""
    rules = {"areas": [], "routes": []}
    for side, colour in sorted(style["sides"].items()):
        rules["areas"].append(f"""
    <Rule>
      <Filter>[kind] = 'area' and [side] = '{side}'</Filter>
      <PolygonSymbolizer fill="{colour}" fill-opacity="{style['fill_opacity']}"/>
      <LineSymbolizer stroke="{colour}" stroke-width="{style['outline_width']}" stroke-linejoin="round" stroke-linecap="round"/>
    </Rule>""")
        rules["routes"].append(f"""
    <Rule>
      <Filter>[kind] = 'front' and [side] = '{side}'</Filter>
      <LineSymbolizer stroke="{colour}" stroke-width="{style['route_width']}" stroke-linejoin="round" stroke-linecap="round"/>
    </Rule>""")
    d = 2 * style["marker_radius"]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Map srs="{MERC}" buffer-size="{style['buffer']}">
  <Style name="areas">{''.join(rules['areas'])}
  </Style>
  <Style name="routes">{''.join(rules['routes'])}
  </Style>
  <Style name="markers">
    <Rule>
      <Filter>[kind] = 'place'</Filter>
      <MarkersSymbolizer marker-type="ellipse" width="{d}" height="{d}" fill="#ffffff" stroke="{style['marker_ink']}" stroke-width="{style['marker_outline']}" allow-overlap="true" ignore-placement="true"/>
    </Rule>
  </Style>
  <Layer name="synthetic" srs="{MERC}">
    <StyleName>areas</StyleName>
    <StyleName>routes</StyleName>
    <StyleName>markers</StyleName>
    <Datasource>
      <Parameter name="type">geojson</Parameter>
      <Parameter name="file">{os.path.abspath(geojson)}</Parameter>
    </Datasource>
  </Layer>
</Map>
"""


def plain_xml(style, geojson):
    """Returns a map definition drawing any features by geometry type."""
    ink = style["marker_ink"]
    colour = sorted(style["sides"].values())[0]
    d = 2 * style["marker_radius"]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Map srs="{MERC}" buffer-size="{style['buffer']}">
  <Style name="plain">
    <Rule>
      <Filter>[mapnik::geometry_type] = polygon</Filter>
      <PolygonSymbolizer fill="{colour}" fill-opacity="{style['fill_opacity']}"/>
      <LineSymbolizer stroke="{colour}" stroke-width="{style['outline_width']}" stroke-linejoin="round" stroke-linecap="round"/>
    </Rule>
    <Rule>
      <Filter>[mapnik::geometry_type] = linestring</Filter>
      <LineSymbolizer stroke="{ink}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>
    </Rule>
    <Rule>
      <Filter>[mapnik::geometry_type] = point</Filter>
      <MarkersSymbolizer marker-type="ellipse" width="{d}" height="{d}" fill="#ffffff" stroke="{ink}" stroke-width="{style['marker_outline']}" allow-overlap="true" ignore-placement="true"/>
    </Rule>
  </Style>
  <Layer name="features" srs="{MERC}">
    <StyleName>plain</StyleName>
    <Datasource>
      <Parameter name="type">geojson</Parameter>
      <Parameter name="file">{os.path.abspath(geojson)}</Parameter>
    </Datasource>
  </Layer>
</Map>
"""


def tile_box(z, x, y):
    """Returns the Web Mercator box of tile z/x/y."""
    size = 2 * EXTENT / (1 << z)
    minx = -EXTENT + x * size
    maxy = EXTENT - y * size
    return mapnik.Box2d(minx, maxy - size, minx + size, maxy)


def percentile(sorted_values, p):
    """Nearest-rank percentile, as bench.Percentile."""
    if not sorted_values:
        return 0.0
    i = math.ceil(p / 100 * len(sorted_values)) - 1
    return sorted_values[min(max(i, 0), len(sorted_values) - 1)]


def timing(times, empty, wall, nbytes):
    """Summarizes per-tile seconds as bench.Summarize does (milliseconds)."""
    s = sorted(times)
    total = sum(s) * 1e3
    n = len(s)
    drawn = [t for t, e in zip(times, empty) if not e]
    nempty = n - len(drawn)
    return {
        "tiles": n,
        "total_ms": total,
        "tiles_per_s": n / total * 1e3 if total else 0,
        "mean_ms": total / n if n else 0,
        "p50_ms": percentile(s, 50) * 1e3,
        "p95_ms": percentile(s, 95) * 1e3,
        "max_ms": s[-1] * 1e3 if s else 0,
        "empty": nempty,
        "drawn_mean_ms": sum(drawn) * 1e3 / len(drawn) if drawn else 0,
        "bytes": nbytes,
        "empty_ratio": nempty / n if n else 0,
        "wall_ms": wall * 1e3,
        "wall_tiles_s": n / wall if wall else 0,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="Web Mercator GeoJSON FeatureCollection")
    ap.add_argument("--style", required=True, help="style.json written by xiang-bench gen")
    ap.add_argument("--tiles", required=True, help="tile list, z/x/y lines")
    ap.add_argument("--format", default="png", help="image.tostring format (default png)")
    ap.add_argument("--plain", action="store_true", help="draw any features in a plain style by geometry type")
    ap.add_argument("--png", help="write the tiles as DIR/z/x/y.png after the timed pass")
    ap.add_argument("--json", help="write the result to this file")
    args = ap.parse_args()

    with open(args.style) as f:
        style = json.load(f)
    tiles = []
    with open(args.tiles) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                z, x, y = (int(v) for v in line.split("/"))
                tiles.append((z, x, y))

    t0 = time.perf_counter()
    m = mapnik.Map(TILE, TILE)
    xml = plain_xml if args.plain else style_xml
    mapnik.load_map_from_string(m, xml(style, args.data))
    setup = time.perf_counter() - t0

    times, renders, out = [], [], []
    start = time.perf_counter()
    for z, x, y in tiles:
        a = time.perf_counter()
        m.zoom_to_box(tile_box(z, x, y))
        im = mapnik.Image(TILE, TILE)
        mapnik.render(m, im)
        b = time.perf_counter()
        data = im.tostring(args.format)
        c = time.perf_counter()
        times.append(c - a)
        renders.append(b - a)
        out.append((data, im))
    wall = time.perf_counter() - start

    # Untimed: which tiles came out transparent.
    empty = [im.is_solid() and im.get_pixel(0, 0) == 0 for _, im in out]
    nbytes = sum(len(d) for d, _ in out)
    t = timing(times, empty, wall, nbytes)
    render_ms = sum(renders) * 1e3
    res = {
        "renderer": "mapnik",
        "mapnik_version": mapnik.mapnik_version(),
        "data": args.data,
        "format": args.format,
        "workers": 1,
        "setup_ms": setup * 1e3,
        "render_ms": render_ms,
        "render_only_tiles_per_s": len(tiles) / render_ms * 1e3 if render_ms else 0,
        "timing": t,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print(f"mapnik {os.path.basename(args.data)}: {t['tiles']} tiles: {t['tiles_per_s']:.0f} tiles/s "
          f"(render only {res['render_only_tiles_per_s']:.0f}/s), mean {t['mean_ms']:.2f} ms, "
          f"p95 {t['p95_ms']:.2f} ms, {100 * t['empty_ratio']:.0f}% empty")
    if args.png:
        for (z, x, y), (data, _) in zip(tiles, out):
            d = os.path.join(args.png, str(z), str(x))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{y}.png"), "wb") as f:
                f.write(data)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
