// The map page: gridmap's own style and tiles (no external basemap), and a click that asks
// the lookup API which grid chain answers for the point.
const levelNames = { county: '县/区', town: '镇/街道', village: '村/社区', group: '组', grid: '网格' };

const map = new maplibregl.Map({
  container: 'map',
  style: '/styles/public.json',
  hash: true,
});
map.addControl(new maplibregl.NavigationControl());
map.addControl(new maplibregl.ScaleControl());

// Fit the tileset's bounds on first load unless the URL already says where to look.
fetch('/tiles/public.json').then(r => r.json()).then(tj => {
  if (!location.hash && tj.bounds) {
    map.fitBounds([[tj.bounds[0], tj.bounds[1]], [tj.bounds[2], tj.bounds[3]]], { padding: 20, animate: false });
  }
});

const list = document.getElementById('chain');

function show(items) {
  list.replaceChildren(...items);
}

function li(level, text) {
  const el = document.createElement('li');
  const l = document.createElement('span');
  l.className = 'level';
  l.textContent = level;
  el.append(l, document.createTextNode(text));
  return el;
}

map.on('click', async (e) => {
  const { lng, lat } = e.lngLat;
  const res = await fetch(`/v1/resolve?lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}`);
  const body = await res.json();
  if (!res.ok) {
    const el = document.createElement('li');
    el.className = 'error';
    el.textContent = body.error ? body.error.message : `HTTP ${res.status}`;
    show([el]);
    return;
  }
  show(body.chain.map(link => {
    const people = link.people.map(p => p.name).join('、');
    return li(levelNames[link.level] || link.level, `${link.name} (${link.code})${people ? ' — ' + people : ''}`);
  }));
});
