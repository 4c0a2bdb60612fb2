// A grid's notice board (网格公示牌): the grid on the map, its head and worker with their
// phones, and its ten-household units with their counts, as one A4 page. Everything on it
// is public: /v1/units/{code} as an anonymous caller reads it. The page sets
// body.dataset.ready once the board is filled and its map drawn (the browser test waits on
// it), or body.dataset.error.
const $ = (id) => document.getElementById(id);
const code = new URLSearchParams(location.search).get('code');

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function board() {
  i18n.apply();
  $('lang').textContent = i18n.lang === 'zh' ? 'EN' : '中文';
  $('lang').addEventListener('click', () => { i18n.set(i18n.lang === 'zh' ? 'en' : 'zh'); location.reload(); });
  $('print').addEventListener('click', () => window.print());
  $('date').textContent = new Date().toISOString().slice(0, 10);
  if (!code) throw new Error(i18n.t('missingCode'));
  const res = await fetch(`/v1/units/${encodeURIComponent(code)}`);
  const u = await res.json();
  if (!res.ok) throw new Error(u.error ? u.error.message : `HTTP ${res.status}`);
  document.title = `${i18n.t('noticeTitle')} ${u.name}`;
  $('name').textContent = `${u.name}（${u.code}）`;
  $('path').textContent = u.path.map((p) => p.name).join(' › ');
  const people = u.people.length ? u.people : [{ role: '', name: '—', phone: '' }];
  $('people').replaceChildren(...people.map((p) => {
    const card = el('div', 'person');
    card.append(el('div', 'role', i18n.t(p.role)), el('div', 'who', p.name), el('div', 'phone', p.phone));
    return card;
  }));
  const units = u.tenhh_units || [];
  $('tenhh-title').textContent = `${i18n.t('tenhhUnits')}（${units.length}）`;
  const head = el('tr');
  for (const [k, cls] of [['code', ''], ['name', ''], ['households', 'n'], ['members', 'n']]) head.append(el('th', cls, i18n.t(k)));
  $('tenhh').replaceChildren(head, ...units.map((x) => {
    const tr = el('tr');
    tr.append(el('td', '', x.code), el('td', '', x.name), el('td', 'n', String(x.households)), el('td', 'n', String(x.members)));
    return tr;
  }));
  await drawMap(u);
}

// drawMap shows the grid outlined over the public map, still (a printed page cannot pan).
async function drawMap(u) {
  if (!u.bbox) return;
  const [w, s, e, n] = u.bbox;
  const style = await (await fetch('/styles/public.json')).json();
  style.layers.push({ id: 'notice-grid', type: 'line', source: Object.keys(style.sources)[0], 'source-layer': u.level,
    filter: ['==', ['get', 'code'], u.code], paint: { 'line-color': '#ff2d7a', 'line-width': 4 } });
  const map = new maplibregl.Map({
    container: 'notice-map', style, interactive: false, attributionControl: false,
    bounds: [[w, s], [e, n]], fitBoundsOptions: { padding: 24 },
    canvasContextAttributes: { preserveDrawingBuffer: true }, // so that printing copies the canvas
  });
  window.gridmapMap = map;
  await new Promise((done) => map.once('idle', done));
}

board().then(() => { document.body.dataset.ready = code; }, (err) => {
  document.body.dataset.error = err.message;
  $('name').replaceChildren(el('span', 'error', err.message));
});
