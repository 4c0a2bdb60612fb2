// The dashboard: gridmap's own style and tiles (no external basemap); a click asks the lookup
// API which chain answers for the point; search, a layer switcher with its legend, the
// statistics of the unit in view, and a choropleth of households per km² by grid. Everything
// it shows is public (what /v1/resolve, /v1/units and /v1/search give an anonymous caller).
const t = i18n.t;
const levels = ['county', 'town', 'village', 'group', 'grid'];
const references = ['valley', 'road', 'relocation_site', 'courtyard', 'compound', 'enterprise'];
const $ = (id) => document.getElementById(id);
const list = $('chain'), results = $('results'), unitBox = $('unit'), statsBox = $('stats');

// The choropleth's classes: households per km² and their colours.
const densityStops = [[0, '#f7fbff'], [20, '#c6dbef'], [50, '#6baed6'], [100, '#3182bd'], [300, '#08519c'], [1000, '#08306b']];
const highlightColour = '#ff2d7a';
const findingColours = { error: '#e8000b', warning: '#f59f00' };

// window.gridmapIdle resolves to the map once its first view is drawn with all its tiles
// (MapLibre's first `idle`); the map is window.gridmapMap from its creation on. The browser
// test (api/web_test.go) waits on the one and reads the other, and both help in the console.
window.gridmapIdle = start();

// What is shown, kept so that a change of language can draw it again.
const shown = { chain: null, unit: null, stats: null, results: null };

// When the first view's steps happened (ms since the navigation started), for the figures.
const times = window.gridmapTimes = {};

async function start() {
  i18n.apply();
  // The map is made only once the tileset's bounds are known, so that a first visit (no
  // hash in the URL) opens on the data from its first frame. Were the map made first, its
  // hash would already say 0/0 by the time the bounds arrived, and it would stay there.
  // The style is read here too, so that the dashboard's own layers (the choropleth, the
  // outlines) are in it from the start: layers added to a drawn map make MapLibre lay out
  // every loaded tile again.
  let bounds, style = '/styles/public.json';
  const [tileset, styleJSON] = await Promise.allSettled([getJSON('/tiles/public.json'), getJSON(style)]);
  if (tileset.status === 'fulfilled') bounds = tileset.value.bounds;
  else showError(`tileset: ${tileset.reason.message}`);
  if (styleJSON.status === 'fulfilled') style = withOverlays(styleJSON.value);
  times.bounds = performance.now();
  const map = new maplibregl.Map({
    container: 'map',
    style,
    // The URL's hash wins over the bounds: a reload or a shared link keeps its view.
    hash: true,
    bounds: bounds && [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
    fitBoundsOptions: { padding: 20 },
  });
  window.gridmapMap = map;
  map.addControl(new maplibregl.NavigationControl());
  map.addControl(new maplibregl.ScaleControl());
  map.on('click', (e) => resolve(e.lngLat.wrap()));
  map.on('zoomend', drawLegend);
  map.once('render', () => { times.firstRender = performance.now(); });
  map.once('styledata', () => { times.style = performance.now(); });
  wireControls(map);
  await new Promise((done) => map.once('load', done));
  times.load = performance.now();
  drawLayerSwitcher(map);
  drawLegend();
  await new Promise((done) => map.once('idle', done));
  times.idle = performance.now();
  showCountyStats(map);
  return map;
}

async function getJSON(url) {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) {
    throw new Error(body.error ? body.error.message : `HTTP ${res.status}`);
  }
  return body;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

// --- overlays: the outline of the chosen unit, the choropleth ---

// withOverlays returns the style with the choropleth under the grid lines (hidden until it
// is switched on) and one outline layer per level for the chosen unit (matching nothing
// until a unit is chosen).
// unitsSource names the style's source of the units' vector tiles (a configured basemap adds
// raster sources beside it).
function unitsSource(style) {
  return Object.keys(style.sources).find((k) => style.sources[k].type === 'vector');
}

function withOverlays(style) {
  const source = unitsSource(style);
  const layers = style.layers;
  const at = layers.findIndex((l) => l.id === 'grid-line');
  const gridLine = layers[at];
  const density = {
    id: 'density-fill', type: 'fill', source, 'source-layer': 'grid',
    minzoom: gridLine ? gridLine.minzoom || 0 : 12,
    layout: { visibility: 'none' },
    paint: {
      'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'density'], 0], ...densityStops.flat()],
      'fill-opacity': 0.75,
    },
  };
  layers.splice(at >= 0 ? at : layers.length, 0, density);
  for (const level of levels) {
    if (!layers.some((l) => l['source-layer'] === level)) continue;
    layers.push({
      id: `highlight-${level}`, type: 'line', source, 'source-layer': level,
      filter: ['==', ['get', 'code'], ''],
      paint: { 'line-color': highlightColour, 'line-width': 3.5 },
    });
  }
  // Coverage findings (gaps, overlaps, split courtyards): filled in when switched on.
  style.sources.findings = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  const severityColour = ['match', ['get', 'severity'], 'error', findingColours.error, findingColours.warning];
  layers.push(
    { id: 'findings-fill', type: 'fill', source: 'findings', layout: { visibility: 'none' },
      paint: { 'fill-color': severityColour, 'fill-opacity': 0.55 } },
    { id: 'findings-line', type: 'line', source: 'findings', layout: { visibility: 'none' },
      paint: { 'line-color': severityColour, 'line-width': 2 } });
  return style;
}

// highlight outlines the unit of the given level and code (and nothing else).
function highlight(level, code) {
  const map = window.gridmapMap;
  for (const l of levels) {
    if (map.getLayer(`highlight-${l}`)) {
      map.setFilter(`highlight-${l}`, ['==', ['get', 'code'], l === level ? code : '']);
    }
  }
}

// --- the layer switcher and the legend, both read from the style ---

// layerGroups maps each switchable group (a level or a reference layer) to the style's
// layers that draw it: those of its source layer, and a level's labels.
function layerGroups(map) {
  const groups = {};
  for (const l of map.getStyle().layers) {
    if (l.id.startsWith('highlight-') || l.id === 'density-fill') continue;
    let key = l['source-layer'];
    if (key === 'label') key = l.id.replace(/^label-/, '');
    if (!key) continue;
    (groups[key] ||= []).push(l.id);
  }
  return groups;
}

// drawLayerSwitcher lists the groups with a tick box and a sample of how each is drawn:
// the switcher is the legend too.
function drawLayerSwitcher(map) {
  const groups = layerGroups(map);
  const box = $('layers');
  box.replaceChildren();
  for (const key of [...levels, ...references]) {
    if (!groups[key]) continue;
    const visible = map.getLayoutProperty(groups[key][0], 'visibility') !== 'none';
    const input = el('input', { type: 'checkbox', checked: visible, 'data-layer': key });
    input.addEventListener('change', () => {
      for (const id of groups[key]) map.setLayoutProperty(id, 'visibility', input.checked ? 'visible' : 'none');
    });
    box.append(el('label', {}, input, swatchOf(map, key), t(key)));
  }
  box.append(findingsSwitch(map));
  // A configured basemap (serve -basemap: imagery to trace on) gets an opacity slider.
  const basemaps = map.getStyle().layers.filter((l) => l.metadata && l.metadata['gridmap:basemap']);
  if (basemaps.length > 0) {
    const slider = el('input', { type: 'range', min: 0, max: 100, value: 100, id: 'basemap-opacity' });
    slider.addEventListener('input', () => {
      for (const l of basemaps) map.setPaintProperty(l.id, 'raster-opacity', slider.value / 100);
    });
    box.append(el('label', { class: 'basemap' }, t('basemap'), slider));
  }
}

// swatchOf returns a small sample of how the style draws a group: a level's boundary line,
// a reference layer's fill (or line, for roads).
function swatchOf(map, key) {
  const colour = (id, prop) => {
    if (!map.getLayer(id)) return null;
    const c = map.getPaintProperty(id, prop);
    return typeof c === 'string' ? c : null;
  };
  const id = key.replace('_', '-');
  const line = colour(key === 'road' ? 'road-casing' : `${id}-line`, 'line-color');
  const fill = colour(`${id}-fill`, 'fill-color');
  if (levels.includes(key) || !fill) {
    return el('span', { class: 'swatch line-swatch', style: `border-top-color:${line || '#999'}` });
  }
  return el('span', { class: 'swatch', style: `background:${fill};border-color:${line || fill}` });
}

// drawLegend shows what the layer switcher does not: the outline of the chosen unit and,
// when it is on, the choropleth's classes.
function drawLegend() {
  const map = window.gridmapMap;
  if (!map || !map.getStyle()) return;
  const box = $('legend');
  box.replaceChildren(el('div', {}, el('span', { class: 'swatch line-swatch', style: `border-top-color:${highlightColour}` }), t('selected')));
  if ($('choropleth').checked) {
    box.append(el('div', { class: 'ramp' }, ...densityStops.map(([v, c]) =>
      el('span', { style: `background:${c};color:${v >= 100 ? '#fff' : '#222'}` }, String(v)))));
    if (map.getZoom() < (map.getLayer('density-fill')?.minzoom ?? 12)) box.append(el('div', { class: 'muted' }, t('choroplethZoom')));
  }
}

// --- controls: language, search, the side panel on a phone, the choropleth ---

function wireControls(map) {
  $('lang').addEventListener('click', () => {
    i18n.set(i18n.lang === 'zh' ? 'en' : 'zh');
    redraw(map);
  });
  $('lang').textContent = i18n.lang === 'zh' ? 'EN' : '中文';
  $('toggle-side').addEventListener('click', () => $('side').classList.toggle('open'));
  $('choropleth').addEventListener('change', (e) => {
    if (map.getLayer('density-fill')) map.setLayoutProperty('density-fill', 'visibility', e.target.checked ? 'visible' : 'none');
    drawLegend();
  });
  let timer;
  $('q').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search($('q').value), 150);
  });
  $('search').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    const hits = await search($('q').value);
    if (hits && hits.length) pick(hits[0]);
  });
}

function redraw(map) {
  $('lang').textContent = i18n.lang === 'zh' ? 'EN' : '中文';
  if (map.getStyle()) {
    drawLayerSwitcher(map);
    drawLegend();
  }
  if (shown.results) drawResults(...shown.results);
  if (shown.chain) drawChain(shown.chain);
  if (shown.unit) drawUnit(shown.unit);
  if (shown.stats) drawStats(shown.stats);
}

// --- search ---

let searches = 0;

// search asks /v1/search and lists what it finds; the list's data-query says which query
// the shown results answer. It returns the results (null when a later search overtook it).
async function search(q) {
  const n = ++searches;
  q = q.trim();
  if (!q) {
    results.replaceChildren();
    shown.results = null;
    return [];
  }
  let hits, error;
  try {
    hits = (await getJSON(`/v1/search?q=${encodeURIComponent(q)}&limit=10`)).results;
  } catch (err) {
    error = err.message;
  }
  if (n !== searches) return null;
  drawResults(q, hits, error);
  return hits;
}

function drawResults(q, hits, error) {
  shown.results = [q, hits, error];
  results.dataset.query = q;
  if (error) {
    results.replaceChildren(el('li', { class: 'error' }, error));
    return;
  }
  if (!hits.length) {
    results.replaceChildren(el('li', { class: 'muted' }, t('noResults')));
    return;
  }
  results.replaceChildren(...hits.map((h) => {
    const li = el('li', { tabIndex: 0, 'data-code': h.code },
      `${h.name} `, el('span', { class: 'muted' }, `${t(h.level)} ${h.code}`),
      el('div', { class: 'path' }, h.path.join(' › ')));
    li.addEventListener('click', () => pick(h));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(h); });
    return li;
  }));
}

// pick flies to a unit found by search, outlines it and shows it; when the flight ends the
// unit box's data-flown names the unit.
function pick(hit) {
  const map = window.gridmapMap;
  highlight(hit.level, hit.code);
  showUnit(hit.code);
  delete unitBox.dataset.flown;
  if (!hit.bbox) return;
  const [w, s, e, n] = hit.bbox;
  map.once('moveend', () => { unitBox.dataset.flown = hit.code; });
  map.fitBounds([[w, s], [e, n]], { padding: clearArea(map), maxZoom: 16, duration: 800 });
}

// clearArea is the padding that keeps a fitted unit out from under the panels.
function clearArea(map) {
  const c = map.getContainer().getBoundingClientRect();
  const p = $('panel').getBoundingClientRect(), side = $('side').getBoundingClientRect();
  const phone = c.width <= 600;
  const pad = phone ? { top: p.bottom + 10, bottom: 20, left: 20, right: 20 }
    : { top: 20, bottom: 20, left: p.right + 10, right: side.width ? c.right - side.left + 10 : 20 };
  if (c.width - pad.left - pad.right < 120 || c.height - pad.top - pad.bottom < 120) return 20;
  return pad;
}

// --- a click: the chain of the point ---

// A click's answer replaces the list unless a later click was made meanwhile. The list's
// data-point says which point the shown answer is for ("lon,lat" as sent).
let clicks = 0;

async function resolve({ lng, lat }) {
  const click = ++clicks;
  const lon = lng.toFixed(6), la = lat.toFixed(6);
  let chain;
  try {
    chain = (await getJSON(`/v1/resolve?lon=${lon}&lat=${la}`)).chain;
  } catch (err) {
    chain = { error: err.message };
  }
  if (click !== clicks) return;
  drawChain(chain);
  list.dataset.point = `${lon},${la}`;
  if (chain.error) return;
  const last = chain[chain.length - 1];
  highlight(last.level, last.code);
  showUnit(last.code);
}

function drawChain(chain) {
  shown.chain = chain;
  if (chain.error) {
    list.replaceChildren(el('li', { class: 'error' }, chain.error));
    return;
  }
  list.replaceChildren(...chain.map((link) => el('li', {},
    el('span', { class: 'level' }, t(link.level)),
    `${link.name} (${link.code})`,
    ...link.people.map(personLine))));
}

function personLine(p) {
  return el('span', { class: 'person' }, `${t(p.role)} ${p.name} `,
    p.phone ? el('a', { href: `tel:${p.phone}` }, p.phone) : null);
}

// --- a unit: its ten-household units (grids) and statistics ---

let units = 0;

async function showUnit(code) {
  const n = ++units;
  let u;
  try {
    u = await getJSON(`/v1/units/${encodeURIComponent(code)}`);
  } catch (err) {
    u = { error: err.message };
  }
  if (n !== units) return;
  drawUnit(u);
  if (!u.error) drawStats(u);
}

function drawUnit(u) {
  shown.unit = u;
  unitBox.dataset.code = u.code || '';
  if (u.error) {
    unitBox.replaceChildren(el('div', { class: 'error' }, u.error));
    return;
  }
  const parts = [el('h3', {}, `${t(u.level)} ${u.name}`)];
  if (u.level === 'grid') {
    parts.push(el('a', { href: `/web/notice.html?code=${u.code}`, target: '_blank', rel: 'noopener' }, t('notice')));
    const rows = u.tenhh_units.map((x) => el('tr', {}, el('td', {}, x.name || x.code),
      el('td', { class: 'n' }, String(x.households)), el('td', { class: 'n' }, String(x.members))));
    parts.push(el('h3', {}, `${t('tenhhUnits')} (${u.tenhh_units.length})`),
      el('table', {}, el('tr', {}, el('th', {}, t('name')), el('th', {}, t('households')), el('th', {}, t('members'))), ...rows));
  }
  unitBox.replaceChildren(...parts);
}

function drawStats(u) {
  shown.stats = u;
  const s = u.statistics;
  const row = (k, v) => el('tr', {}, el('td', {}, t(k)), el('td', { class: 'n' }, v));
  statsBox.replaceChildren(el('h3', {}, `${u.name} (${u.code})`), el('table', {},
    row('households', s.households.toLocaleString()), row('members', s.members.toLocaleString()),
    row('tenhh', s.tenhh_units.toLocaleString()), row('people', s.people.toLocaleString()),
    row('area', s.area_km2.toFixed(2)), row('grids', s.grids.toLocaleString())));
  $('csv').href = `/v1/units/${u.code}/children.csv`;
  $('csv').hidden = u.level === 'grid';
}

// The statistics panel opens on the county the map shows.
async function showCountyStats(map) {
  const counties = map.querySourceFeatures(unitsSource(map.getStyle()), { sourceLayer: 'county' });
  if (!counties.length || shown.stats) return;
  try {
    drawStats(await getJSON(`/v1/units/${counties[0].properties.code}`));
  } catch (err) {
    statsBox.replaceChildren(el('div', { class: 'error' }, err.message));
  }
}

function showError(text) {
  list.replaceChildren(el('li', { class: 'error' }, text));
}

// findingsSwitch shows the coverage findings of the county in view (GET
// /v1/units/{code}/coverage: gaps, overlaps, parts outside, cut courtyards) as a highlighted
// layer, with their count and total area.
function findingsSwitch(map) {
  const input = el('input', { type: 'checkbox', id: 'findings-toggle' });
  const note = el('span', { class: 'findings-note', id: 'findings-note' });
  input.addEventListener('change', async () => {
    const visibility = input.checked ? 'visible' : 'none';
    for (const id of ['findings-fill', 'findings-line']) map.setLayoutProperty(id, 'visibility', visibility);
    if (!input.checked) { note.textContent = ''; return; }
    const counties = map.querySourceFeatures(unitsSource(map.getStyle()), { sourceLayer: 'county' });
    if (!counties.length) return;
    note.textContent = '…';
    try {
      const report = await getJSON(`/v1/units/${counties[0].properties.code}/coverage`);
      map.getSource('findings').setData(report);
      const area = report.features.reduce((sum, f) => sum + (f.properties.area_m2 || 0), 0);
      note.textContent = report.features.length === 0 ? t('findingsNone')
        : `${report.features.length} ${t('findings')}, ${Math.round(area).toLocaleString()} m²`;
      note.dataset.count = report.features.length;
    } catch (err) {
      note.textContent = err.message;
    }
  });
  return el('label', { class: 'findings' }, input,
    el('span', { class: 'swatch', style: `background:${findingColours.error}` }), t('coverage'), note);
}
