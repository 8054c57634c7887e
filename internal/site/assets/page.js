// xiang static site: the page both viewers share (site.js draws with
// Leaflet, vector.js with MapLibre). It holds the title, the date slider
// and the play button, the list of the day's events, the legend, and the
// state in the URL hash, #date=YYYY-MM-DD&view=lon,lat,zoom[&embed=1], with
// the embed snippet that opens the same view in an iframe. The viewer
// loads site.json, makes its map and calls xiangPage.start(m, viewer).
window.xiangPage = (function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('embed') === '1') document.body.classList.add('embed');
  window.xiangSite = {};

  // fail shows an error that stopped the page in its title.
  function fail(e) {
    document.title = 'error: ' + e;
  }

  // start runs the page over m (site.json) and a viewer's map: the slider
  // has positions 0 to v.last, v.at is the first shown, v.date(i) the date
  // at position i and v.step(date) the position of a date (clamped);
  // v.draw(i) shows position i on the map; v.zoom() is the zoom written in
  // the hash; v.onReady(f) and v.onMove(f) call f when the map is drawn and
  // when the view moved; play advances a position every v.interval ms.
  function start(m, v) {
    document.title = m.title;
    $('title').textContent = m.title;
    let step = v.at;
    function setStep(i) {
      step = Math.min(Math.max(i, 0), v.last);
      $('slider').value = step;
      $('date').textContent = v.date(step);
      document.title = m.title + ' — ' + v.date(step);
      v.draw(step);
      showEvents();
      saveState();
    }
    function showEvents() {
      const d = v.date(step);
      $('events').replaceChildren(...m.events.filter((e) => e.date <= d && (e.end || e.date) >= d).map((e) => {
        const li = document.createElement('li');
        li.className = e.side || '';
        li.textContent = e.date + ': ' + e.name;
        return li;
      }));
    }
    function saveState() {
      const c = v.map.getCenter();
      const h = new URLSearchParams({ date: v.date(step), view: [c.lng.toFixed(4), c.lat.toFixed(4), v.zoom()].join(',') });
      if (document.body.classList.contains('embed')) h.set('embed', '1');
      history.replaceState(null, '', '#' + h);
      const src = location.href.split('#')[0] + '#' + h + (h.has('embed') ? '' : '&embed=1');
      $('embed').value = '<iframe src="' + src.replace(/"/g, '&quot;') + '" width="600" height="400" style="border:0" loading="lazy"></iframe>';
    }
    v.onReady(() => { document.title = m.title + ' — ' + v.date(step) + ' ready'; });
    $('legend').replaceChildren(...m.legend.map((e) => {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.style.background = e.color;
      li.append(sw, e.label);
      return li;
    }));
    $('slider').max = v.last;
    $('slider').addEventListener('input', (e) => setStep(Number(e.target.value)));
    let timer = null;
    $('play').addEventListener('click', () => {
      if (timer) { clearInterval(timer); timer = null; $('play').textContent = '▶'; return; }
      $('play').textContent = '⏸';
      timer = setInterval(() => setStep(step < v.last ? step + 1 : 0), v.interval);
    });
    v.onMove(saveState);
    // A date the site does not hold (or no date) leaves the map as it is.
    window.xiangSite.setDate = (d) => {
      const s = v.step(d);
      if (Number.isInteger(s) && s >= 0 && s <= v.last) setStep(s);
    };
    setStep(step);
  }

  return { hash, fail, start };
})();
