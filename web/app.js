// The map page: gridmap's own style and tiles (no external basemap), and a click that asks
// the lookup API which grid chain answers for the point.
const levelNames = { county: '县/区', town: '镇/街道', village: '村/社区', group: '组', grid: '网格' };

const list = document.getElementById('chain');

// window.gridmapIdle resolves to the map once its first view is drawn with all its tiles
// (MapLibre's first `idle`); the map is window.gridmapMap from its creation on. The browser
// test (api/web_test.go) waits on the one and reads the other, and both help in the console.
window.gridmapIdle = start();

async function start() {
  // The map is made only once the tileset's bounds are known, so that a first visit (no
  // hash in the URL) opens on the data from its first frame. Were the map made first, its
  // hash would already say 0/0 by the time the bounds arrived, and it would stay there.
  let bounds;
  try {
    bounds = (await getJSON('/tiles/public.json')).bounds;
  } catch (err) {
    showError(`tileset: ${err.message}`);
  }
  const map = new maplibregl.Map({
    container: 'map',
    style: '/styles/public.json',
    // The URL's hash wins over the bounds: a reload or a shared link keeps its view.
    hash: true,
    bounds: bounds && [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
    fitBoundsOptions: { padding: 20 },
  });
  window.gridmapMap = map;
  map.addControl(new maplibregl.NavigationControl());
  map.addControl(new maplibregl.ScaleControl());
  map.on('click', (e) => resolve(e.lngLat.wrap()));
  await new Promise((done) => map.once('idle', done));
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

// A click's answer replaces the list unless a later click was made meanwhile. The list's
// data-point says which point the shown answer is for ("lon,lat" as sent).
let clicks = 0;

async function resolve({ lng, lat }) {
  const click = ++clicks;
  const lon = lng.toFixed(6), la = lat.toFixed(6);
  let items;
  try {
    const body = await getJSON(`/v1/resolve?lon=${lon}&lat=${la}`);
    items = body.chain.map(link => {
      const people = link.people.map(p => p.name).join('、');
      return li(levelNames[link.level] || link.level, `${link.name} (${link.code})${people ? ' — ' + people : ''}`);
    });
  } catch (err) {
    items = [errorItem(err.message)];
  }
  if (click === clicks) {
    list.dataset.point = `${lon},${la}`;
    list.replaceChildren(...items);
  }
}

function li(level, text) {
  const el = document.createElement('li');
  const l = document.createElement('span');
  l.className = 'level';
  l.textContent = level;
  el.append(l, document.createTextNode(text));
  return el;
}

function errorItem(text) {
  const el = document.createElement('li');
  el.className = 'error';
  el.textContent = text;
  return el;
}

function showError(text) {
  list.replaceChildren(errorItem(text));
}
