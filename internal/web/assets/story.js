// xiang story embed: turns an article's dated sections into a sticky map.
//
//   <div data-xiang-story data-layers="hengyang">
//     <section data-date="1944-06-28" data-view="112.62,26.89,12">…</section>
//     …
//   </div>
//   <script src="https://HOST/story.js"></script>
//
// Every <section data-date data-view> (lon,lat,zoom) becomes a step: as the
// reader scrolls it to the middle of the window, the map flies to its view
// and shows the campaign on its date. The sections are kept where they are,
// in one column beside the map (above it on narrow screens). The script
// finds the server from its own src; the script element's (or the story
// container's) data-layers chooses the layers (default all), data-base an
// XYZ base map URL ("none", the default, draws the campaign's context layer
// instead) with data-base-attribution crediting it, data-context the id of
// that layer (default context), and data-attribution credits the campaign
// (HTML).
//
// /story.js is Leaflet and scrollama (vendored from npm) followed by this
// file; it needs nothing else from the page.
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !window.L || !window.scrollama) return;
  var server = me.src.replace(/\/story\.js([?#].*)?$/, '');

  function fmtDate(s) {
    var d = new Date(s + 'T00:00:00Z');
    if (isNaN(d)) return s;
    return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }

  function parseView(s) {
    var p = String(s || '').split(',').map(Number);
    if (p.length !== 3 || p.some(isNaN) || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 85) return null;
    return { center: [p[1], p[0]], zoom: p[2] };
  }

  function css() {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = server + '/assets/leaflet/leaflet.css';
    document.head.appendChild(link);
    var st = document.createElement('style');
    st.textContent =
      '.xiang-story{display:flex;align-items:flex-start;gap:0;position:relative}' +
      '.xiang-story-steps{flex:0 0 42%;max-width:42%;padding:0 1.5em 40vh;box-sizing:border-box}' +
      '.xiang-story-steps>section{min-height:60vh;margin:0 0 30vh;padding:1em 1.2em;background:rgba(255,255,255,.94);' +
      'border-left:4px solid #ccc;box-sizing:border-box;transition:border-color .3s,opacity .3s;opacity:.55}' +
      '.xiang-story-steps>section.is-active{border-left-color:#b5182b;opacity:1}' +
      '.xiang-story-map{flex:1 1 58%;position:sticky;top:0;height:100vh;min-height:300px}' +
      '.xiang-story-map .leaflet-container{width:100%;height:100%;background:#f4f1e8}' +
      '.xiang-story-date{position:absolute;top:10px;right:10px;z-index:1000;background:#fff;padding:4px 10px;' +
      'font:600 15px/1.3 system-ui,sans-serif;border:1px solid #999;border-radius:3px;pointer-events:none}' +
      '@media (max-width:700px){.xiang-story{flex-direction:column}' +
      '.xiang-story-map{order:-1;width:100%;height:50vh;flex:none;z-index:2}' +
      '.xiang-story-steps{flex:none;max-width:none;width:100%;padding:0 .5em 30vh}' +
      '.xiang-story-steps>section{min-height:40vh;margin:0 0 20vh}}';
    document.head.appendChild(st);
  }

  function setup(box, sections) {
    var opt = function (name, dflt) {
      return box.getAttribute('data-' + name) || me.getAttribute('data-' + name) || dflt;
    };
    var layers = opt('layers', 'all');
    var baseURL = opt('base', 'none');
    var context = opt('context', 'context');

    box.classList.add('xiang-story');
    var steps = document.createElement('div');
    steps.className = 'xiang-story-steps';
    var mapBox = document.createElement('div');
    mapBox.className = 'xiang-story-map';
    var mapDiv = document.createElement('div');
    mapDiv.style.width = '100%';
    mapDiv.style.height = '100%';
    mapDiv.setAttribute('role', 'img');
    mapDiv.setAttribute('aria-label', 'Map of the campaign on the date of the section being read');
    var badge = document.createElement('div');
    badge.className = 'xiang-story-date';
    badge.setAttribute('aria-live', 'polite');
    mapBox.appendChild(mapDiv);
    mapBox.appendChild(badge);
    box.insertBefore(steps, sections[0]);
    sections.forEach(function (s) { steps.appendChild(s); });
    box.appendChild(mapBox);

    var first = parseView(sections[0].dataset.view) || { center: [0, 0], zoom: 2 };
    var map = L.map(mapDiv, { scrollWheelZoom: false, center: first.center, zoom: first.zoom });
    var tiles = server + '/tiles/';
    if (baseURL === 'none') {
      L.tileLayer(tiles + encodeURIComponent(context) + '/{z}/{x}/{y}{r}.png', { zIndex: 1 }).addTo(map);
    } else {
      L.tileLayer(baseURL, { zIndex: 1, attribution: opt('base-attribution', '') }).addTo(map);
    }
    var overlayURL = function (d) { return tiles + layers + '/' + d + '/{z}/{x}/{y}{r}.png'; };
    var overlays = [];
    var shown = '';
    map.attributionControl.addAttribution(opt('attribution', '') + ' · <a href="' + server + '/" target="_blank" rel="noopener">xiang</a>');

    function show(i, fly) {
      var s = sections[i];
      var date = s.dataset.date;
      var v = parseView(s.dataset.view);
      sections.forEach(function (o, j) { o.classList.toggle('is-active', j === i); });
      if (date && date !== shown) {
        shown = date;
        // A new layer over the old, which goes once the new one has
        // loaded: no blank map between dates. (TileLayer.setUrl redraws at
        // the map's zoom, which is fractional during flyTo, and asks for
        // tiles of a fractional zoom.)
        var next = L.tileLayer(overlayURL(date), { zIndex: 10 });
        var older = overlays.slice();
        overlays.push(next);
        next.once('load', function () {
          older.forEach(function (o) { map.removeLayer(o); });
          overlays = overlays.filter(function (o) { return older.indexOf(o) < 0; });
        });
        next.addTo(map);
        badge.textContent = fmtDate(date);
        box.setAttribute('data-shown-date', date);
      }
      if (v) {
        if (fly) map.flyTo(v.center, v.zoom, { duration: 1.2 });
        else map.setView(v.center, v.zoom, { animate: false });
      }
      box.dispatchEvent(new CustomEvent('xiang:step', { detail: { index: i, date: date } }));
    }
    show(0, false);

    var scroller = scrollama();
    scroller.setup({ step: sections, offset: 0.55 }).onStepEnter(function (r) { show(r.index, true); });
    window.addEventListener('resize', function () { scroller.resize(); map.invalidateSize(); });
  }

  function init() {
    var all = Array.prototype.slice.call(document.querySelectorAll('section[data-date][data-view]'));
    if (!all.length) return;
    css();
    // One story per container: the elements marked data-xiang-story, else
    // the parent of the first section.
    var boxes = Array.prototype.slice.call(document.querySelectorAll('[data-xiang-story]'));
    if (!boxes.length) boxes = [all[0].parentNode];
    boxes.forEach(function (box) {
      var sections = all.filter(function (s) { return s.parentNode === box; });
      if (sections.length) setup(box, sections);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
