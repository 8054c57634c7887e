// xiang static site: Leaflet over the tiles of tiles.pmtiles, read with
// range requests by the pmtiles reader. site.json maps each date's tile
// addresses to body numbers; body n is stored at PMTiles tile ID n, so a
// body shared by many dates is fetched once. State is kept in the URL
// hash: #date=YYYY-MM-DD&view=lon,lat,zoom[&embed=1].
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const archive = new pmtiles.PMTiles(new URL('tiles.pmtiles', location.href).href);
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('embed') === '1') document.body.classList.add('embed');
  window.xiangSite = {};

  fetch('site.json').then((r) => r.json()).then(start).catch((e) => {
    document.title = 'error: ' + e;
  });

  function start(m) {
    document.title = m.title;
    $('title').textContent = m.title;
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

    let index = Math.max(0, m.dates.indexOf(hash.get('date')));
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
    const view = (hash.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(Number.isFinite)) map.setView([view[1], view[0]], view[2]);
    else map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    map.attributionControl.addAttribution(m.attribution);
    const layer = new Tiles({ tileSize: 256, bounds: [[b[1], b[0]], [b[3], b[2]]] }).addTo(map);
    layer.on('load', () => { document.title = m.title + ' — ' + m.dates[index] + ' ready'; });

    // Changing the date swaps each visible tile's image in place.
    function setDate(i) {
      index = Math.min(Math.max(i, 0), m.dates.length - 1);
      $('slider').value = index;
      $('date').textContent = m.dates[index];
      document.title = m.title + ' — ' + m.dates[index];
      layer.redraw();
      showEvents();
      saveState();
    }
    function showEvents() {
      const d = m.dates[index];
      $('events').replaceChildren(...m.events.filter((e) => e.date <= d && (e.end || e.date) >= d).map((e) => {
        const li = document.createElement('li');
        li.className = e.side || '';
        li.textContent = e.date + ': ' + e.name;
        return li;
      }));
    }
    function saveState() {
      const c = map.getCenter();
      const h = new URLSearchParams({ date: m.dates[index], view: [c.lng.toFixed(4), c.lat.toFixed(4), map.getZoom()].join(',') });
      if (document.body.classList.contains('embed')) h.set('embed', '1');
      history.replaceState(null, '', '#' + h);
      const src = location.href.split('#')[0] + '#' + h + (h.has('embed') ? '' : '&embed=1');
      $('embed').value = '<iframe src="' + src.replace(/"/g, '&quot;') + '" width="600" height="400" style="border:0" loading="lazy"></iframe>';
    }
    $('legend').replaceChildren(...m.legend.map((e) => {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.style.background = e.color;
      li.append(sw, e.label);
      return li;
    }));
    $('slider').max = m.dates.length - 1;
    $('slider').addEventListener('input', (e) => setDate(+e.target.value));
    let timer = null;
    $('play').addEventListener('click', () => {
      if (timer) { clearInterval(timer); timer = null; $('play').textContent = '▶'; return; }
      $('play').textContent = '⏸';
      timer = setInterval(() => setDate(index + 1 < m.dates.length ? index + 1 : 0), 1000);
    });
    map.on('moveend', saveState);
    window.xiangSite.setDate = (d) => setDate(m.dates.indexOf(d));
    setDate(index);
  }
})();
