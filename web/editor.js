// The planner's editor: open a change set on a village, reshape its grids with the
// coverage-keeping operations of /v1/changesets, validate, publish or discard. Lines and
// polygons are drawn with terra-draw (its MapLibre adapter); the server computes every
// shape, this page only sends what was drawn and shows what comes back.
(() => {
  'use strict';
  const $ = id => document.getElementById(id);
  const KEY = 'gridmap.apiKey';

  const state = {set: null, path: '', units: null, picked: [], op: ''};

  // --- the API, with the pasted key as a bearer token --------------------------------------
  $('key').value = sessionStorage.getItem(KEY) || '';
  $('key').addEventListener('change', () => sessionStorage.setItem(KEY, $('key').value.trim()));

  async function api(method, path, body) {
    const headers = {};
    const key = $('key').value.trim();
    if (key) headers.Authorization = 'Bearer ' + key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!res.ok) {
      const msg = data && data.error ? data.error.message : text;
      const err = new Error(`${res.status}: ${msg}`);
      err.status = res.status;
      throw err;
    }
    return {data, res};
  }

  function say(text, kind) {
    $('status').textContent = text;
    $('status').dataset.state = kind || '';
  }

  // Runs an action, reporting its failure (the server's message) in the status line.
  async function attempt(what, fn) {
    say(what + '…', 'busy');
    try {
      const done = await fn();
      say(done || what + ' ✓', 'ok');
    } catch (e) {
      say(what + ' 失败 failed — ' + e.message, 'error');
    }
  }

  // --- the map -------------------------------------------------------------------------------
  const empty = {type: 'FeatureCollection', features: []};
  const map = new maplibregl.Map({
    container: 'map',
    center: [104.83, 26.59],
    zoom: 9,
    doubleClickZoom: false, // a double click finishes a drawing, it must not zoom
    style: {
      version: 8,
      sources: {units: {type: 'geojson', data: empty, generateId: true}, findings: {type: 'geojson', data: empty}},
      layers: [
        {id: 'background', type: 'background', paint: {'background-color': '#f2efe6'}},
        {id: 'units-fill', type: 'fill', source: 'units', paint: {
          'fill-color': ['case', ['boolean', ['feature-state', 'picked'], false], '#ffd54f',
            ['get', 'edited'], '#c8e6c9', '#e3ecf7'],
          'fill-opacity': 0.7}},
        {id: 'units-line', type: 'line', source: 'units', paint: {'line-color': '#1f4e8c', 'line-width': 1.5}},
        {id: 'findings-fill', type: 'fill', source: 'findings', paint: {'fill-color': '#ff00ff', 'fill-opacity': 0.35}},
        {id: 'findings-line', type: 'line', source: 'findings', paint: {'line-color': '#ff00ff', 'line-width': 3}},
        {id: 'units-label', type: 'symbol', source: 'units', layout: {
          'text-field': ['concat', ['get', 'name'], '\n', ['get', 'code']], 'text-size': 12},
          paint: {'text-color': '#1f2d3d', 'text-halo-color': '#fff', 'text-halo-width': 1}},
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  window.editorMap = map;

  const draw = new terraDraw.TerraDraw({
    adapter: new terraDrawMaplibreGlAdapter.TerraDrawMapLibreGLAdapter({map}),
    modes: [
      new terraDraw.TerraDrawLineStringMode(),
      // Polygons snap to their own vertices and to the set's unit vertices within 10 pixels;
      // the server then snaps within 0.5 m on PUT.
      new terraDraw.TerraDrawPolygonMode({snapping: {toCoordinate: true, toCustom: snapToUnits}}),
    ],
  });

  // snapToUnits gives terra-draw the unit vertex nearest the pointer, if one is near.
  function snapToUnits(event) {
    if (!state.units) return undefined;
    const p = map.project([event.lng, event.lat]);
    let best, nearest = 10;
    for (const f of state.units.features) {
      eachCoord(f.geometry, c => {
        const q = map.project(c), d = Math.hypot(q.x - p.x, q.y - p.y);
        if (d < nearest) { nearest = d; best = c; }
      });
    }
    return best;
  }
  window.editorDraw = draw;
  // editorReady resolves once the map and the drawing tools are up (tests wait on it).
  window.editorReady = new Promise(ready => map.on('load', () => { draw.start(); ready(true); }));

  // --- units and picking ---------------------------------------------------------------------
  async function loadUnits(fit) {
    const {data} = await api('GET', state.path + '/units');
    state.units = data;
    map.getSource('units').setData(data);
    map.removeFeatureState({source: 'units'});
    state.picked = state.picked.filter(c => data.features.some(f => f.properties.code === c));
    showPicked();
    if (fit && data.features.length) {
      const b = new maplibregl.LngLatBounds();
      data.features.forEach(f => eachCoord(f.geometry, c => b.extend(c)));
      map.fitBounds(b, {padding: 40, duration: 0});
    }
    await idle();
  }

  function eachCoord(g, fn) {
    const walk = c => (typeof c[0] === 'number' ? fn(c) : c.forEach(walk));
    walk(g.coordinates);
  }

  const idle = () => new Promise(done => (map.loaded() && !map.isMoving() ? done() : map.once('idle', done)));

  // The units source numbers its features in order (generateId): a unit's id is its index.
  function unitIndex(code) {
    return state.units ? state.units.features.findIndex(f => f.properties.code === code) : -1;
  }

  function showPicked() {
    map.removeFeatureState({source: 'units'});
    for (const code of state.picked) {
      const i = unitIndex(code);
      if (i >= 0) map.setFeatureState({source: 'units', id: i}, {picked: true});
    }
    $('selected').dataset.codes = state.picked.join(',');
    $('selected').textContent = state.picked.length
      ? '已选 Picked: ' + state.picked.map(c => {
        const f = state.units.features[unitIndex(c)];
        return `${f.properties.name} (${c})`;
      }).join(' → ')
      : '未选网格 No grid picked';
  }

  map.on('click', e => {
    if (!state.set || state.op === 'split' || state.op === 'move-boundary' || state.op === 'move-area' || state.op === 'draw') return;
    if (state.op === 'create-from-gap') {
      setOp('');
      attempt('从空隙创建 Create from gap', async () => {
        const {data} = await api('POST', state.path + '/create-from-gap', {point: {type: 'Point', coordinates: [e.lngLat.lng, e.lngLat.lat]}});
        await loadUnits(false);
        return '已创建 Created ' + (data.properties ? data.properties.code : '');
      });
      return;
    }
    const hit = map.queryRenderedFeatures(e.point, {layers: ['units-fill']});
    if (!hit.length) return;
    const code = hit[0].properties.code;
    state.picked = state.picked.includes(code) ? state.picked.filter(c => c !== code) : state.picked.concat(code).slice(-2);
    showPicked();
  });

  // --- operations ----------------------------------------------------------------------------
  const needs = {'split': 1, 'merge': 2, 'move-boundary': 2, 'move-area': 2, 'create-from-gap': 0, 'draw': 0};

  function setOp(op) {
    state.op = op;
    document.querySelectorAll('#ops button').forEach(b => b.setAttribute('aria-pressed', String(b.dataset.op === op)));
    const mode = {'split': 'linestring', 'move-boundary': 'linestring', 'move-area': 'polygon', 'draw': 'polygon'}[op];
    draw.clear();
    draw.setMode(mode || 'static');
  }

  $('ops').addEventListener('click', e => {
    const op = e.target.dataset && e.target.dataset.op;
    if (!op) return;
    if (op === 'cancel') { setOp(''); say(''); return; }
    if (state.picked.length < needs[op]) {
      say(needs[op] === 1 ? '请先选一个网格 Pick a grid first' : '请先选两个网格 Pick two grids first', 'error');
      return;
    }
    if (op === 'merge') {
      const [code, other] = state.picked;
      attempt('合并 Merge', async () => {
        await api('POST', state.path + '/merge', {code, with: other});
        state.picked = [code];
        await loadUnits(false);
      });
      return;
    }
    setOp(op);
    say({'split': '画一条穿过网格的线，点最后一点结束 Draw a line across the grid; click its last point to finish',
      'move-boundary': '画新的边界线 Draw the new boundary line',
      'move-area': '画要移交的区域 Draw the area to move',
      'create-from-gap': '点击空隙 Click in the gap',
      'draw': '画新网格，点第一点闭合 Draw the new grid; click its first point to close'}[op]);
  });

  draw.on('finish', id => {
    const f = draw.getSnapshotFeature(id);
    const op = state.op;
    // The click that finished the drawing reaches the map's click handler after this one:
    // leave the drawing operation after it, so that it does not also pick a grid.
    setTimeout(() => setOp(''), 0);
    if (!f) return;
    const g = f.geometry;
    const [a, b] = state.picked;
    const calls = {
      'split': ['拆分 Split', '/split', {code: a, line: g}],
      'move-boundary': ['移动边界 Move boundary', '/move-boundary', {codes: [a, b], line: g}],
      'move-area': ['移动区域 Move area', '/move-area', {from: a, to: b, area: g}],
    };
    if (op === 'draw') {
      attempt('自由绘制 Free draw', async () => {
        const code = nextCode();
        await api('PUT', `${state.path}/units/${code}`, {type: 'Feature',
          properties: {name: '新网格 ' + code.slice(-3), level: childLevel()}, geometry: g});
        await loadUnits(false);
        return '已保存 Saved ' + code;
      });
    } else if (calls[op]) {
      const [what, path, body] = calls[op];
      attempt(what, async () => { await api('POST', state.path + path, body); await loadUnits(false); });
    }
  });

  // The children of the set's parent: their level, and the next free code after theirs (the
  // server refuses a code used before; the operations pick their own).
  function children() {
    return state.units.features.filter(f => f.properties.parent_code === state.set.parent);
  }
  function childLevel() {
    const c = children();
    return c.length ? c[0].properties.level : 'grid';
  }
  function nextCode() {
    const n = Math.max(0, ...children().map(f => Number(f.properties.code.slice(-3))));
    return state.set.parent + String(n + 1).padStart(3, '0');
  }

  // --- validate, publish, discard -------------------------------------------------------------
  $('validate').addEventListener('click', () => attempt('校验 Validate', async () => {
    const {data} = await api('POST', state.path + '/validate');
    showFindings(data.features);
    return data.features.length ? `${data.features.length} 个问题 findings` : '无问题 No findings';
  }));

  function showFindings(features) {
    map.getSource('findings').setData({type: 'FeatureCollection', features});
    const list = $('findings');
    list.replaceChildren();
    for (const f of features) {
      const p = f.properties;
      const li = document.createElement('li');
      li.className = p.severity || '';
      li.dataset.kind = p.kind;
      // A finding without a place (households_outside) has no area to show.
      const area = f.geometry ? ` · ${Math.round(p.area_m2 || 0).toLocaleString()} m²` : '';
      li.textContent = `${p.kind}${area} · ${(p.units || []).join(', ')} — ${p.message || ''}`;
      list.append(li);
    }
    if (!features.length) {
      const li = document.createElement('li');
      li.textContent = '无 none';
      list.append(li);
    }
    list.dataset.count = String(features.length);
  }

  $('publish').addEventListener('click', () => attempt('发布 Publish', async () => {
    try {
      const {data} = await api('POST', state.path + '/publish', {});
      closeSet('published');
      return `已发布 Published: ${(data.units || []).length} 个单元 units`;
    } catch (e) {
      if (e.status === 422) throw new Error('覆盖有错误，拒绝发布 refused, coverage errors — ' + e.message);
      throw e;
    }
  }));

  $('discard').addEventListener('click', () => attempt('放弃 Discard', async () => {
    await api('POST', state.path + '/discard');
    closeSet('discarded');
    return '已放弃 Discarded';
  }));

  function closeSet(how) {
    state.set.state = how;
    $('set').textContent = `变更集 Change set ${state.set.id}: ${how}`;
    $('ops').disabled = true;
    $('actions').disabled = true;
    setOp('');
  }

  // --- choosing the village and opening the set ----------------------------------------------
  let searchTimer = 0;
  $('village').addEventListener('input', () => {
    clearTimeout(searchTimer);
    const q = $('village').value.trim();
    if (!q || /^\d{12}$/.test(q)) { $('results').replaceChildren(); return; }
    searchTimer = setTimeout(async () => {
      try {
        const {data} = await api('GET', '/v1/search?level=village&limit=8&q=' + encodeURIComponent(q));
        $('results').replaceChildren(...data.results.map(r => {
          const li = document.createElement('li');
          li.textContent = `${r.name} ${r.code}`;
          li.addEventListener('click', () => { $('village').value = r.code; $('results').replaceChildren(); });
          return li;
        }));
      } catch (e) { $('results').replaceChildren(); }
    }, 200);
  });

  $('open-form').addEventListener('submit', e => {
    e.preventDefault();
    const parent = $('village').value.trim();
    attempt('打开 Open', async () => {
      const {data, res} = await api('POST', '/v1/changesets', {parent, title: '编辑器 editor'});
      state.set = data;
      state.path = res.headers.get('Location') || '/v1/changesets/' + data.id;
      state.picked = [];
      showFindings([]);
      $('findings').dataset.count = '';
      $('set').textContent = `变更集 Change set ${data.id} · ${parent} · ${data.state}`;
      $('set').dataset.id = data.id;
      $('ops').disabled = false;
      $('actions').disabled = false;
      await loadUnits(true);
      return `已打开 Opened ${data.id}: ${state.units.features.length} 个单元 units`;
    });
  });
})();
