// xiang static vector site: MapLibre GL draws the campaign from one PMTiles
// archive of vector tiles that holds every date (campaign.pmtiles, read
// with range requests through the pmtiles reader's protocol). The slider
// changes the style's global state "day" (days since 1970-01-01) and loads
// nothing. State is kept in the URL hash:
// #date=YYYY-MM-DD&view=lon,lat,zoom[&embed=1], the zoom MapLibre's.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const DAY = 86400000;
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('embed') === '1') document.body.classList.add('embed');
  window.xiangSite = {};
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
  Promise.all([getJSON('site.json'), getJSON('style.json')]).then(([m, style]) => start(m, style)).catch((e) => {
    document.title = 'error: ' + e;
  });

  function parseDay(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : null;
  }
  function fmtDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

  function start(m, style) {
    document.title = m.title;
    $('title').textContent = m.title;
    for (const s of Object.values(style.sources)) {
      if (s.url && s.url.startsWith('pmtiles://') && !/^pmtiles:\/\/\w+:/.test(s.url)) s.url = 'pmtiles://' + here + s.url.slice(10);
    }
    if (typeof style.sprite === 'string' && !/^\w+:/.test(style.sprite)) style.sprite = here + style.sprite;
    if (style.glyphs && !/^\w+:/.test(style.glyphs)) style.glyphs = here + style.glyphs;

    const first = parseDay(m.dates[0]), last = parseDay(m.dates[m.dates.length - 1]);
    let day = parseDay(hash.get('date')) ?? first;
    day = Math.min(Math.max(day, first), last);
    const b = m.bounds;
    const opts = { container: 'map', style, fadeDuration: 0, maxBounds: [[b[0] - 1, b[1] - 1], [b[2] + 1, b[3] + 1]],
      minZoom: m.minzoom, maxZoom: m.maxzoom + 2, // deeper zooms overzoom the last tiles
      attributionControl: { compact: false, customAttribution: m.attribution } };
    const view = (hash.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(Number.isFinite)) {
      opts.center = [view[0], view[1]];
      opts.zoom = view[2];
    } else {
      opts.bounds = [[b[0], b[1]], [b[2], b[3]]];
    }
    const map = new maplibregl.Map(opts);
    map.on('error', (e) => console.warn('maplibre:', e.error && e.error.message));
    map.on('style.load', () => map.setGlobalStateProperty('day', day));
    map.on('idle', () => { document.title = m.title + ' — ' + fmtDay(day) + ' ready'; });

    function setDay(d) {
      day = Math.min(Math.max(d, first), last);
      $('slider').value = day - first;
      $('date').textContent = fmtDay(day);
      document.title = m.title + ' — ' + fmtDay(day);
      if (map.isStyleLoaded()) map.setGlobalStateProperty('day', day);
      showEvents();
      saveState();
    }
    function showEvents() {
      const d = fmtDay(day);
      $('events').replaceChildren(...m.events.filter((e) => e.date <= d && (e.end || e.date) >= d).map((e) => {
        const li = document.createElement('li');
        li.className = e.side || '';
        li.textContent = e.date + ': ' + e.name;
        return li;
      }));
    }
    function saveState() {
      const c = map.getCenter();
      const h = new URLSearchParams({ date: fmtDay(day), view: [c.lng.toFixed(4), c.lat.toFixed(4), map.getZoom().toFixed(2)].join(',') });
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
    $('slider').max = last - first;
    $('slider').addEventListener('input', (e) => setDay(first + Number(e.target.value)));
    let timer = null;
    $('play').addEventListener('click', () => {
      if (timer) { clearInterval(timer); timer = null; $('play').textContent = '▶'; return; }
      $('play').textContent = '⏸';
      // A day every tenth of a second: nothing is loaded on the way.
      timer = setInterval(() => setDay(day < last ? day + 1 : first), 100);
    });
    map.on('moveend', saveState);
    window.xiangSite.map = map;
    window.xiangSite.setDate = (s) => setDay(parseDay(s));
    setDay(day);
  }
})();
