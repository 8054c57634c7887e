// xiang static vector site: MapLibre GL draws the campaign from one PMTiles
// archive of vector tiles that holds every date (campaign.pmtiles, read
// with range requests through the pmtiles reader's protocol). The slider
// moves by days from the first to the last date of site.json and changes
// the style's global state "day" (days since 1970-01-01): it loads
// nothing. The rest of the page (events, legend, state in the URL hash
// with MapLibre's zoom, embed snippet, play) is page.js's.
(function () {
  'use strict';
  const page = window.xiangPage;
  const DAY = 86400000;
  // The site's own address: style.json's URLs are relative to it, and
  // MapLibre wants them whole (joined as text: new URL would escape the
  // braces of {fontstack} and {range}).
  const here = location.href.replace(/[#?].*$/, '').replace(/[^/]*$/, '');
  const protocol = new pmtiles.Protocol();
  maplibregl.addProtocol('pmtiles', protocol.tile);

  const getJSON = (u) => fetch(u).then((r) => {
    if (!r.ok) throw new Error(u + ': HTTP ' + r.status);
    return r.json();
  });
  Promise.all([getJSON('site.json'), getJSON('style.json')]).then(([m, style]) => start(m, style)).catch(page.fail);

  function parseDay(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : null;
  }
  function fmtDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

  function start(m, style) {
    for (const s of Object.values(style.sources)) {
      if (s.url && s.url.startsWith('pmtiles://') && !/^pmtiles:\/\/\w+:/.test(s.url)) s.url = 'pmtiles://' + here + s.url.slice(10);
    }
    if (typeof style.sprite === 'string' && !/^\w+:/.test(style.sprite)) style.sprite = here + style.sprite;
    if (style.glyphs && !/^\w+:/.test(style.glyphs)) style.glyphs = here + style.glyphs;

    const first = parseDay(m.dates[0]), last = parseDay(m.dates[m.dates.length - 1]);
    let day = parseDay(page.hash.get('date')) ?? first;
    day = Math.min(Math.max(day, first), last);
    const b = m.bounds;
    const opts = { container: 'map', style, fadeDuration: 0, maxBounds: [[b[0] - 1, b[1] - 1], [b[2] + 1, b[3] + 1]],
      minZoom: m.minzoom, maxZoom: m.maxzoom + 2, // deeper zooms overzoom the last tiles
      attributionControl: { compact: false, customAttribution: m.attribution } };
    const view = (page.hash.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(Number.isFinite)) {
      opts.center = [view[0], view[1]];
      opts.zoom = view[2];
    } else {
      opts.bounds = [[b[0], b[1]], [b[2], b[3]]];
    }
    const map = new maplibregl.Map(opts);
    map.on('error', (e) => console.warn('maplibre:', e.error && e.error.message));
    map.on('style.load', () => map.setGlobalStateProperty('day', day));
    window.xiangSite.map = map;
    page.start(m, {
      map, last: last - first, at: day - first,
      // A day every tenth of a second: nothing is loaded on the way.
      interval: 100,
      date: (i) => fmtDay(first + i),
      step: (s) => { const d = parseDay(s); return d === null ? -1 : d - first; },
      draw: (i) => {
        day = first + i;
        if (map.isStyleLoaded()) map.setGlobalStateProperty('day', day);
      },
      zoom: () => map.getZoom().toFixed(2),
      onReady: (f) => map.on('idle', f),
      onMove: (f) => map.on('moveend', f),
    });
  }
})();
