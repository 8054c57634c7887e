// xiang static site: Leaflet over the tiles of tiles.pmtiles, read with
// range requests by the pmtiles reader. site.json maps each date's tile
// addresses to body numbers; body n is stored at PMTiles tile ID n, so a
// body shared by many dates is fetched once. The slider moves by the
// dates of site.json; the rest of the page (events, legend, state in the
// URL hash, embed snippet, play) is page.js's.
(function () {
  'use strict';
  const page = window.xiangPage;
  const archive = new pmtiles.PMTiles(new URL('tiles.pmtiles', location.href).href);

  fetch('site.json').then((r) => r.json()).then(start).catch(page.fail);

  function start(m) {
    // Body numbers of every position for each date, built on first use.
    const byDate = [m.base];
    function ids(i) {
      for (let k = byDate.length; k <= i; k++) {
        const a = byDate[k - 1].slice();
        for (const [pos, id] of m.changes[k - 1]) a[pos] = id;
        byDate[k] = a;
      }
      return byDate[i];
    }
    // Positions: the grid's tiles zoom by zoom, rows of x.
    const offsets = {};
    let n = 0;
    for (const [z, x0, y0, x1, y1] of m.grid) {
      offsets[z] = { n, x0, y0, x1, y1 };
      n += (x1 - x0 + 1) * (y1 - y0 + 1);
    }
    function position(c) {
      const g = offsets[c.z];
      if (!g || c.x < g.x0 || c.x > g.x1 || c.y < g.y0 || c.y > g.y1) return -1;
      return g.n + (c.y - g.y0) * (g.x1 - g.x0 + 1) + (c.x - g.x0);
    }
    // Object URLs of fetched bodies, by body number.
    const urls = new Map();
    function body(id) {
      if (!urls.has(id)) {
        const [z, x, y] = pmtiles.tileIdToZxy(id);
        urls.set(id, archive.getZxy(z, x, y).then((r) =>
          URL.createObjectURL(new Blob([r.data], { type: 'image/png' }))));
      }
      return urls.get(id);
    }

    let index = Math.max(0, m.dates.indexOf(page.hash.get('date')));
    const Tiles = L.GridLayer.extend({
      createTile(coords, done) {
        const img = document.createElement('img');
        img.alt = '';
        const pos = position(coords);
        const id = pos < 0 ? -1 : ids(index)[pos];
        if (id < 0 || id === m.empty) {
          setTimeout(() => done(null, img), 0);
          return img;
        }
        body(id).then((u) => { img.onload = () => done(null, img); img.src = u; })
          .catch((e) => done(e, img));
        return img;
      },
    });
    const b = m.bounds;
    const map = L.map('map', { minZoom: m.minzoom, maxZoom: m.maxzoom, fadeAnimation: false,
      maxBounds: [[b[1], b[0]], [b[3], b[2]]], maxBoundsViscosity: 0.5 });
    const view = (page.hash.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(Number.isFinite)) map.setView([view[1], view[0]], view[2]);
    else map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    map.attributionControl.addAttribution(m.attribution);
    const layer = new Tiles({ tileSize: 256, bounds: [[b[1], b[0]], [b[3], b[2]]] }).addTo(map);
    page.start(m, {
      map, last: m.dates.length - 1, at: index, interval: 1000,
      date: (i) => m.dates[i],
      step: (d) => m.dates.indexOf(d),
      // Changing the date swaps each visible tile's image in place.
      draw: (i) => { index = i; layer.redraw(); },
      zoom: () => map.getZoom(),
      onReady: (f) => layer.on('load', f),
      onMove: (f) => map.on('moveend', f),
    });
  }
})();
