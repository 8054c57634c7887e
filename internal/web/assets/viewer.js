// xiang viewer: Leaflet map of the campaign overlay tiles with a date slider,
// or, in vector mode (?mode=vector), MapLibre GL drawing the vector tiles
// with xiang's style, where the slider changes one value of the style's
// global state and loads nothing.
// Configuration comes from the page (#config); state is kept in the URL:
// ?date=YYYY-MM-DD&layers=a,b&view=lon,lat,zoom[&autoplay=1][&mode=vector].
// The view's zoom is Leaflet's (256-px tiles) in both modes.
(function () {
  'use strict';
  const cfg = JSON.parse(document.getElementById('config').textContent);
  const DAY = 86400000;
  const MAX_LAT = 85.0511287798; // the latitude limit of Web Mercator tiles
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  // --- dates as day numbers (days since 1970-01-01, UTC) ---
  function parseDay(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    if (!m) return null;
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    const d = new Date(t);
    if (d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return null;
    return Math.round(t / DAY);
  }
  function fmtDay(n) { return new Date(n * DAY).toISOString().slice(0, 10); }
  function longDay(n) {
    return new Date(n * DAY).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }

  // A campaign without dates has no extent: the viewer then shows the
  // summary map and no slider.
  const dated = parseDay(cfg.extent[0]) !== null && parseDay(cfg.extent[1]) !== null;
  const first = dated ? parseDay(cfg.extent[0]) : 0;
  const last = dated ? parseDay(cfg.extent[1]) : 0;
  let day = parseDay(params.get('date')) ?? parseDay(cfg.date) ?? first;
  day = Math.min(Math.max(day, first), last);
  const embedded = document.body.classList.contains('embed');
  // The page loads MapLibre only for vector mode.
  const vector = $('map').dataset.mode === 'vector' && !!cfg.stylesPrefix && typeof maplibregl !== 'undefined';
  if (!dated) document.body.classList.add('undated');

  // --- layers ---
  const allIDs = cfg.layers.map((l) => l.id);
  let selected = new Set(allIDs);
  const wanted = params.get('layers');
  if (wanted && wanted !== 'all') {
    const ids = wanted.split(',').filter((id) => allIDs.includes(id));
    if (ids.length) selected = new Set(ids);
  }

  function layersParam() {
    return selected.size === allIDs.length ? 'all' : allIDs.filter((id) => selected.has(id)).join(',');
  }

  // --- map and view ---
  const contextID = cfg.contextLayer || '';
  // A view from the URL is used only within the world: Leaflet throws on a
  // centre such as 1e308,0 and the page would never load.
  const urlView = (params.get('view') || '').split(',').map(Number);
  const startView = urlView.length === 3 && urlView.every(Number.isFinite) && Math.abs(urlView[0]) <= 180 &&
      Math.abs(urlView[1]) <= MAX_LAT && urlView[2] >= 0 && urlView[2] <= cfg.maxZoom ? urlView : cfg.view;
  const backend = vector ? vectorMap() : rasterMap();
  const map = backend.map;

  // --- vector mode: MapLibre with the style of the selected layers; the
  // day is the style's global state "day" (days since 1970-01-01) ---
  function vectorMap() {
    // MapLibre counts zoom in 512-px tiles: one less than Leaflet's.
    const opts = {
      // No symbol fade, as no tile fade in raster mode: a scrubbed day's
      // labels and symbols show at once.
      container: 'map', style: styleURL(day), maxZoom: cfg.maxZoom - 1, keyboard: false, fadeDuration: 0,
      attributionControl: { compact: false, customAttribution: cfg.attribution || undefined },
    };
    if (startView) {
      opts.center = [startView[0], startView[1]];
      opts.zoom = startView[2] - 1;
    } else {
      const b = cfg.bounds;
      opts.bounds = [[b[0], b[1]], [b[2], b[3]]];
    }
    const m = new maplibregl.Map(opts);
    // Base map: the configured XYZ template as a raster layer over the
    // style's paper and under everything else. As in raster mode, if its
    // first four tiles fail and none loads, the page goes on without it:
    // the campaign's own layers (the context layer among them) on paper.
    const BASE = 'xiang-base';
    let offline = !cfg.base.url || params.get('base') === 'none';
    let baseLoaded = 0, baseFailed = 0;
    function addBase() {
      if (offline || m.getSource(BASE)) return;
      const url = cfg.base.url.replaceAll('{r}', '');
      const tiles = url.includes('{s}') ? ['a', 'b', 'c'].map((s) => url.replaceAll('{s}', s)) : [url];
      m.addSource(BASE, { type: 'raster', tiles, tileSize: 256, maxzoom: cfg.maxZoom, attribution: cfg.base.attribution });
      const above = m.getStyle().layers.find((l) => l.type !== 'background');
      m.addLayer({ id: BASE, type: 'raster', source: BASE }, above && above.id);
    }
    function goOffline() {
      offline = true;
      if (m.getLayer(BASE)) m.removeLayer(BASE);
      if (m.getSource(BASE)) m.removeSource(BASE);
    }
    m.on('sourcedata', (e) => { if (e.sourceId === BASE && e.tile && e.tile.state === 'loaded') baseLoaded++; });
    m.on('error', (e) => {
      if (e.sourceId === BASE) {
        if (++baseFailed >= 4 && baseLoaded === 0 && !offline) goOffline();
        return;
      }
      console.warn('maplibre:', e.error && e.error.message);
    });
    let styleKey = styleURL(day, true);
    // A style (re)loaded takes the day shown now, whatever its URL said,
    // and the base map.
    m.on('style.load', () => {
      if (dated) m.setGlobalStateProperty('day', day);
      addBase();
    });
    m.on('dataloading', () => { document.body.dataset.tiles = 'loading'; });
    m.on('idle', () => { document.body.dataset.date = fmtDay(day); document.body.dataset.tiles = 'loaded'; });
    return {
      map: m,
      show(d, force) {
        document.body.dataset.date = fmtDay(d);
        const key = styleURL(d, true);
        if (force || key !== styleKey) {
          // Another selection of layers: another style and tile set.
          styleKey = key;
          document.body.dataset.tiles = 'loading';
          m.setStyle(styleURL(d) || { version: 8, sources: {}, layers: [] });
          return;
        }
        if (dated && m.isStyleLoaded()) {
          document.body.dataset.tiles = 'loading';
          m.setGlobalStateProperty('day', d);
        }
      },
      view() {
        const c = m.getCenter().wrap();
        return c.lng.toFixed(4) + ',' + c.lat.toFixed(4) + ',' + +(m.getZoom() + 1).toFixed(2);
      },
      flyTo(lon, lat, zoom) { m.flyTo({ center: [lon, lat], zoom: Math.max(m.getZoom(), zoom - 1) }); },
      onMove(f) { m.on('moveend', f); },
      // base is 'online' while the base map is drawn, else 'none'.
      base() { return offline ? 'none' : 'online'; },
    };
  }
  // styleURL is the style of the selected layers for day d, null when no
  // layer is selected; withoutDate leaves the date out (the style's key).
  function styleURL(d, withoutDate) {
    const ids = allIDs.filter((id) => selected.has(id));
    if (!ids.length) return null;
    const spec = ids.length === allIDs.length ? 'all' : ids.join(',');
    return cfg.stylesPrefix + '/' + spec + '.json' + (dated && !withoutDate ? '?date=' + fmtDay(d) : '');
  }

  // --- raster mode: Leaflet with the dated PNG tiles ---
  function rasterMap() {
    // No fade: a date's tiles replace the previous date's at once (see
    // showDate), and a screenshot taken once the tiles have loaded shows them
    // fully drawn.
    const map = L.map('map', { zoomSnap: 1, keyboard: false, worldCopyJump: true, maxZoom: cfg.maxZoom, fadeAnimation: false });
    if (startView) {
      map.setView([startView[1], startView[0]], startView[2]);
    } else {
      const b = cfg.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    }
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    // The campaign's credits, once, whichever of its layers are drawn.
    if (cfg.attribution) map.attributionControl.addAttribution(cfg.attribution);

    // --- tile state for tests and embedders: body[data-tiles] is "loading"
    // while any layer waits for tiles, and "loaded" once every layer has
    // drawn its tiles (a frame later, so that they are on screen) ---
    function watch(layer) {
      layer.on('loading', updateState);
      layer.on('load', updateState);
      return layer;
    }
    // The overlay of the date shown, and the one loading to replace it.
    let current = null, pending = null;
    let stateFrame = 0;
    function busy() {
      if (pending) return true;
      let loading = false;
      map.eachLayer((l) => { if (l.isLoading && l.isLoading()) loading = true; });
      return loading;
    }
    function updateState() {
      document.body.dataset.date = fmtDay(day);
      cancelAnimationFrame(stateFrame);
      if (busy()) {
        document.body.dataset.tiles = 'loading';
        return;
      }
      stateFrame = requestAnimationFrame(() => {
        stateFrame = requestAnimationFrame(() => {
          document.body.dataset.tiles = busy() ? 'loading' : 'loaded';
        });
      });
    }

    // Base map: a configurable XYZ template, with the campaign's own context
    // layer (cfg.contextLayer, undated) as the offline fallback when it fails
    // or is configured off.
    let offline = !cfg.base.url || params.get('base') === 'none';
    let base = null;
    const contextBase = contextID ? watch(L.tileLayer(cfg.tilesPrefix + '/' + contextID + '/{z}/{x}/{y}{r}.png',
      { maxZoom: cfg.maxZoom, zIndex: 1 })) : null;
    function goOffline() {
      offline = true;
      if (base) map.removeLayer(base);
      base = null;
      showDate(day, true);
    }
    if (!offline) {
      let loaded = 0, failed = 0;
      base = watch(L.tileLayer(cfg.base.url, { maxZoom: cfg.maxZoom, attribution: cfg.base.attribution, zIndex: 1 }));
      base.on('tileload', () => { loaded++; });
      base.on('tileerror', () => { if (++failed >= 4 && loaded === 0) goOffline(); });
      base.addTo(map);
    }
    // Offline, the context layer is the base: drawn undated, under the
    // overlay, when it is selected.
    function syncContext() {
      if (!contextBase) return;
      const want = offline && selected.has(contextID);
      if (want && !map.hasLayer(contextBase)) contextBase.addTo(map);
      if (!want && map.hasLayer(contextBase)) map.removeLayer(contextBase);
    }

    function overlayIDs() {
      let ids = allIDs.filter((id) => selected.has(id));
      if (offline && contextBase) ids = ids.filter((id) => id !== contextID);
      return ids;
    }
    function tileURL(d) {
      const ids = overlayIDs();
      if (!ids.length) return null;
      const spec = ids.length === allIDs.length ? 'all' : ids.join(',');
      return cfg.tilesPrefix + '/' + spec + (dated ? '/' + fmtDay(d) : '') + '/{z}/{x}/{y}{r}.png';
    }

    // --- the overlay, double-buffered: a new date's layer replaces the old one
    // only once its tiles have loaded, so changing dates does not flicker ---
    function showDate(d, force) {
      const url = tileURL(d);
      syncContext();
      if (!force && current && current._url === url && !pending) { updateState(); return; }
      if (pending) { map.removeLayer(pending); pending = null; }
      if (!url) {
        if (current) map.removeLayer(current);
        current = null;
        updateState();
        return;
      }
      const next = watch(L.tileLayer(url, { maxZoom: cfg.maxZoom, zIndex: 10, keepBuffer: 2 }));
      pending = next;
      const promote = () => {
        if (pending !== next) return;
        if (current) map.removeLayer(current);
        current = next;
        pending = null;
        updateState();
        prefetch(d);
      };
      next.once('load', promote);
      next.addTo(map);
      // A layer with no tile to load in view (an empty map area) fires no
      // load event.
      if (!next.isLoading()) promote();
      updateState();
    }

    // Prefetch the tiles now in view for the next dates, so playback finds
    // them in the browser cache.
    const prefetched = new Set();
    function prefetch(d) {
      if (!current) return;
      const tiles = Object.values(current._tiles || {}).slice(0, 48);
      const retina = L.Browser.retina ? '@2x' : '';
      for (let k = 1; k <= 3; k++) {
        const nd = d + k * stepDays();
        if (!dated || nd > last) break;
        const tpl = tileURL(nd);
        if (!tpl) break;
        for (const t of tiles) {
          const u = L.Util.template(tpl, { x: t.coords.x, y: t.coords.y, z: t.coords.z, r: retina });
          if (prefetched.has(u)) continue;
          prefetched.add(u);
          const img = new Image();
          img.src = u;
        }
      }
      if (prefetched.size > 5000) prefetched.clear();
    }
    return {
      map,
      show: showDate,
      view() {
        const c = map.wrapLatLng(map.getCenter()); // lon within ±180, as the server checks
        return c.lng.toFixed(4) + ',' + c.lat.toFixed(4) + ',' + map.getZoom();
      },
      flyTo(lon, lat, zoom) { map.flyTo([lat, lon], Math.max(map.getZoom(), zoom)); },
      onMove(f) { map.on('moveend', () => { f(); if (current) prefetch(day); }); },
      base() { return offline ? 'none' : 'online'; },
      tileURL: () => tileURL(day),
    };
  }

  // --- controls ---
  const slider = $('slider');
  slider.min = 0;
  slider.max = last - first;
  function setDay(d, fromSlider) {
    day = Math.min(Math.max(d, first), last);
    if (!fromSlider) slider.value = day - first;
    $('date').textContent = dated ? longDay(day) : 'Summary';
    slider.setAttribute('aria-valuetext', longDay(day));
    backend.show(day);
    highlightEvents();
    saveURL();
  }
  slider.addEventListener('input', () => setDay(first + Number(slider.value), true));
  $('back-day').onclick = () => setDay(day - 1);
  $('fwd-day').onclick = () => setDay(day + 1);
  $('back-week').onclick = () => setDay(day - 7);
  $('fwd-week').onclick = () => setDay(day + 7);

  let timer = null;
  function stepDays() { return Math.max(1, Math.round(Number($('speed').value) / 3)); }
  function play() {
    if (timer || !dated) return;
    if (day >= last) setDay(first);
    $('play').textContent = '❚❚';
    $('play').setAttribute('aria-label', 'Pause');
    let waited = 0;
    timer = setInterval(() => {
      // Advance only once the previous date has drawn (or after 2 s).
      if (document.body.dataset.tiles === 'loading' && (waited += 1) < 6) return;
      waited = 0;
      if (day >= last) { pause(); return; }
      setDay(day + stepDays());
    }, Math.max(120, 1000 / Math.min(Number($('speed').value), 8)));
  }
  function pause() {
    clearInterval(timer);
    timer = null;
    $('play').textContent = '▶';
    $('play').setAttribute('aria-label', 'Play');
  }
  $('play').onclick = () => (timer ? pause() : play());

  document.addEventListener('keydown', (e) => {
    const tag = (e.target.tagName || '').toLowerCase();
    if (tag === 'textarea' || (tag === 'input' && e.target.type !== 'range') || tag === 'select') return;
    const n = e.shiftKey ? 7 : 1;
    switch (e.key) {
      case 'ArrowLeft': setDay(day - n); break;
      case 'ArrowRight': setDay(day + n); break;
      case 'Home': setDay(first); break;
      case 'End': setDay(last); break;
      case ' ': timer ? pause() : play(); break;
      default: return;
    }
    e.preventDefault();
  });

  // --- URL state ---
  function viewParam() { return backend.view(); }
  function query() {
    const q = new URLSearchParams();
    if (dated) q.set('date', fmtDay(day));
    q.set('layers', layersParam());
    q.set('view', viewParam());
    if (params.get('base') === 'none') q.set('base', 'none');
    if (vector) q.set('mode', 'vector');
    return q;
  }
  // Commas need no escape in a query: keep lists and the view readable.
  function queryString() { return query().toString().replace(/%2C/gi, ','); }
  function saveURL() {
    history.replaceState(null, '', location.pathname + '?' + queryString());
    if (embedded) $('open-full').href = cfg.viewerPath + '?' + queryString();
  }
  backend.onMove(saveURL);

  // The mode switch reloads the page in the other mode, same state.
  if (cfg.stylesPrefix) {
    const b = $('mode');
    b.hidden = false;
    b.textContent = vector ? 'Raster' : 'Vector';
    b.title = vector ? 'Draw the map from PNG tiles (Leaflet)' : 'Draw the map from vector tiles (MapLibre): the slider then loads nothing';
    b.onclick = () => {
      const q = query();
      if (vector) q.delete('mode'); else q.set('mode', 'vector');
      location.search = q.toString().replace(/%2C/gi, ',');
    };
  }

  // --- side panel: layers, legend, events ---
  const layersBox = $('layers');
  // The context layer goes last: it is the background of the others.
  const toggles = cfg.layers.filter((l) => l.id !== contextID).concat(cfg.layers.filter((l) => l.id === contextID));
  for (const l of toggles) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = l.id;
    box.checked = selected.has(l.id);
    box.addEventListener('change', () => {
      if (box.checked) selected.add(l.id); else selected.delete(l.id);
      backend.show(day, true);
      saveURL();
      loadLegend();
    });
    label.append(box, ' ' + (l.title || l.id));
    layersBox.append(label);
  }

  // Fetches JSON, failing on an error status (the API's errors are JSON
  // with an "error" member).
  function getJSON(url) {
    return fetch(url).then((r) => r.json().then((body) => {
      if (!r.ok) throw new Error(url + ': ' + r.status + ' ' + (body.error || ''));
      return body;
    }));
  }

  // The legend lists the symbols of the selected layers, by group.
  let legendSeq = 0;
  function loadLegend() {
    if (embedded) return;
    const seq = ++legendSeq;
    const spec = selected.size ? layersParam() : 'all';
    getJSON(cfg.apiPrefix + '/legend?layers=' + encodeURIComponent(spec)).then((entries) => {
      if (seq !== legendSeq) return;
      const box = $('legend');
      box.replaceChildren();
      let group = null;
      for (const e of entries) {
        if (e.group !== group) {
          group = e.group;
          const h = document.createElement('h3');
          h.textContent = group;
          box.append(h);
        }
        const row = document.createElement('div');
        const img = document.createElement('img');
        img.src = e.swatch;
        if (e.swatch2x) img.srcset = e.swatch2x + ' 2x';
        img.alt = '';
        img.width = 44;
        img.height = 26;
        row.dataset.id = e.id;
        row.append(img, e.label);
        box.append(row);
      }
    }).catch((err) => console.warn('legend:', err));
  }
  loadLegend();

  let events = [];
  (embedded ? Promise.resolve({ events: [] }) : getJSON(cfg.apiPrefix + '/events')).then((list) => {
    events = list.events || list;
    const ol = $('events');
    for (const ev of events) {
      const li = document.createElement('li');
      li.tabIndex = 0;
      li.dataset.date = ev.date;
      const t = document.createElement('time');
      t.dateTime = ev.date;
      t.textContent = longDay(parseDay(ev.date));
      li.append(t, (ev.name || '') + (ev.description ? ' — ' + ev.description : ''));
      const go = () => {
        pause();
        if (dated) setDay(parseDay(ev.date));
        if (Number.isFinite(ev.lon) && Number.isFinite(ev.lat)) backend.flyTo(ev.lon, ev.lat, 9);
      };
      li.onclick = go;
      li.onkeydown = (e) => { if (e.key === 'Enter') go(); };
      ol.append(li);
    }
    highlightEvents();
  }).catch((err) => console.warn('events:', err));
  function highlightEvents() {
    for (const li of document.querySelectorAll('#events li')) li.classList.toggle('current', li.dataset.date === fmtDay(day));
  }

  // --- embed dialog ---
  function embedCode() {
    const src = location.origin + cfg.embedPath + '?' + queryString();
    const attr = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    return '<iframe src="' + attr(src) + '" width="600" height="400" style="border:0" loading="lazy" allowfullscreen title="' +
      attr(cfg.title) + '"></iframe>';
  }
  $('embed-open').onclick = () => { $('embed-code').value = embedCode(); $('embed-dialog').showModal(); };
  $('embed-close').onclick = () => $('embed-dialog').close();
  $('embed-copy').onclick = () => { $('embed-code').select(); navigator.clipboard?.writeText($('embed-code').value); };

  setDay(day);
  if (params.get('autoplay') === '1' || cfg.autoplay) play();
  window.xiang = { map, setDay, play, pause, get day() { return fmtDay(day); }, tileURL: backend.tileURL, mode: vector ? 'vector' : 'raster', get base() { return backend.base(); } };
})();
