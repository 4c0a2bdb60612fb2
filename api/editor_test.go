package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// The planner's editor (/editor) in headless Chromium, against a real server with change
// sets over PostGIS (so a publish shows at once in /v1/resolve). Lines and polygons are drawn
// with real mouse events on the map's canvas, at the pixels where the map draws chosen
// points; every wait is on the page's status line or findings list, never a fixed time.
// The village is one of newCSFixture's made-up ones (two grids, no courtyards for a line to
// cut), so the split has no finding by construction.
//
// With GRIDMAP_EDITOR_SCREENSHOT set to a path, the editor showing the overlap finding is
// written there (docs/editor.png is made so).
func TestEditorInABrowser(t *testing.T) {
	browser := os.Getenv("GRIDMAP_BROWSER")
	if browser == "" {
		t.Skip("GRIDMAP_BROWSER is not set (scripts/test.sh sets it)")
	}
	page := openBrowser(t, browser)

	t.Run("a village of the sample found by name opens and is discarded", func(t *testing.T) {
		db, _ := sampleServer(t)
		srv, failures := mapPageServer(t, db, func(d *api.Deps) {
			d.Auth, d.Audit, d.ChangeSets = keysOnly(t, db), db, db
		})
		var code, name string
		var units int
		err := pgtest.Pool(t).QueryRow(context.Background(), `
			SELECT v.code, v.name, (SELECT count(*) FROM units u WHERE u.code LIKE v.code || '_%')
			FROM units v WHERE v.level = 'village' AND v.county_code = $1 ORDER BY v.code LIMIT 1 OFFSET 7`, sampleCounty).
			Scan(&code, &name, &units)
		if err != nil || units == 0 {
			t.Fatalf("a village of the sample: %s with %d units, %v", code, units, err)
		}
		page.do(t, chromedp.Navigate(srv.URL+"/editor"))
		eval[bool](t, page, `window.editorReady`)
		ed := editor{page}
		eval[bool](t, page, fmt.Sprintf(`(() => {
			const k = document.getElementById('key'), v = document.getElementById('village');
			k.value = %q;
			k.dispatchEvent(new Event('change'));
			v.value = %q;
			v.dispatchEvent(new Event('input'));
			return true;
		})()`, adminToken, name))
		picked := page.poll(t, fmt.Sprintf(`(() => {
			const li = [...document.querySelectorAll('#results li')].find(li => li.textContent.endsWith(%q));
			if (!li) return '';
			li.click();
			return document.getElementById('village').value;
		})()`, " "+code))
		if picked != code {
			t.Fatalf("picking %s %s from the search results gave %q", name, code, picked)
		}
		st := ed.press(t, "open")
		if want := fmt.Sprintf("%d 个单元", units); !strings.HasPrefix(st, "ok|已打开") || !strings.Contains(st, want) {
			t.Fatalf("opening a set on %s: %q; want %q", code, st, want)
		}
		drawn := eval[int](t, page, `new Set(window.editorMap.queryRenderedFeatures({layers: ['units-fill']}).map(f => f.properties.code)).size`)
		if drawn != units {
			t.Errorf("the map draws %d of the village's %d units", drawn, units)
		}
		if st := ed.press(t, "discard"); !strings.HasPrefix(st, "ok|已放弃") {
			t.Errorf("discard: %q", st)
		}
		for _, f := range failures() {
			t.Errorf("request %s", f)
		}
	})

	t.Run("a drawn split publishes and resolves", func(t *testing.T) {
		f := newCSFixture(t, "990611", 110.6)
		ed := openEditor(t, page, f)
		ed.click(t, f.x+0.005, f.y+0.01)
		if got := page.poll(t, `document.getElementById('selected').dataset.codes`); got != f.grid1 {
			t.Fatalf("picked %q; want %s", got, f.grid1)
		}
		eval[bool](t, page, `(document.querySelector('[data-op=split]').click(), true)`)
		// A line across grid 1 from outside the village's south edge to outside its north
		// edge, two thirds of it to the east: the west part is the new grid. A click on its
		// last point finishes it.
		ed.click(t, f.x+0.004, f.y-0.002)
		ed.click(t, f.x+0.004, f.y+0.022)
		ed.resetStatus(t)
		ed.click(t, f.x+0.004, f.y+0.022)
		if st := ed.status(t); !strings.HasPrefix(st, "ok|拆分") {
			t.Fatalf("after drawing the split line the status says %q", st)
		}
		newGrid := f.village + "003"
		units := f.call(t, f.planner, "GET", ed.path(t)+"/units", nil).want(t, 200).features(t)
		if _, ok := units[newGrid]; len(units) != 3 || !ok {
			t.Fatalf("after the split the set holds %v; want %s, %s and %s", keys(units), f.grid1, f.grid2, newGrid)
		}

		ed.press(t, "validate")
		if n := page.poll(t, `document.getElementById('findings').dataset.count`); n != "0" {
			t.Errorf("validate lists %s findings after a split: %s", n, eval[string](t, page, `document.getElementById('findings').innerText`))
		}
		if st := ed.press(t, "publish"); !strings.HasPrefix(st, "ok|已发布") {
			t.Fatalf("publish: %q", st)
		}
		if code := f.resolvedGrid(t, f.x+0.002, f.y+0.01); code != newGrid {
			t.Errorf("after publish a point in the new part resolves to %s; want %s", code, newGrid)
		}
		if code := f.resolvedGrid(t, f.x+0.007, f.y+0.01); code != f.grid1 {
			t.Errorf("after publish a point in the kept part resolves to %s; want %s", code, f.grid1)
		}
	})

	t.Run("a drawn overlap is a finding and publish is refused", func(t *testing.T) {
		f := newCSFixture(t, "990612", 110.7)
		ed := openEditor(t, page, f)
		before := magentaPixels(t, page.screenshot(t))
		eval[bool](t, page, `(document.querySelector('[data-op=draw]').click(), true)`)
		// A square across the line between the two grids; a click on its first corner
		// closes it.
		corners := [][2]float64{{0.005, 0.005}, {0.015, 0.005}, {0.015, 0.015}, {0.005, 0.015}}
		for _, c := range corners {
			ed.click(t, f.x+c[0], f.y+c[1])
		}
		ed.resetStatus(t)
		ed.click(t, f.x+corners[0][0], f.y+corners[0][1])
		if st := ed.status(t); !strings.HasPrefix(st, "ok|已保存") {
			t.Fatalf("after drawing the polygon the status says %q", st)
		}
		if got := eval[string](t, page, `document.getElementById('selected').dataset.codes`); got != "" {
			t.Errorf("the click that closed the polygon also picked %q", got)
		}

		ed.press(t, "validate")
		if n := page.poll(t, `document.getElementById('findings').dataset.count`); n == "0" {
			t.Fatal("validate lists no finding for a grid drawn over its neighbours")
		}
		overlaps := eval[[]string](t, page, `[...document.querySelectorAll('#findings li[data-kind=overlap]')].map(li => li.textContent)`)
		if len(overlaps) == 0 {
			t.Fatalf("the findings list holds no overlap: %s", eval[string](t, page, `document.getElementById('findings').innerText`))
		}
		for _, o := range overlaps {
			if !strings.Contains(o, "m²") {
				t.Errorf("the finding %q gives no area", o)
			}
		}
		eval[bool](t, page, `new Promise(done => { const m = window.editorMap; m.loaded() ? done(true) : m.once('idle', () => done(true)); })`)
		shot := page.screenshot(t)
		if out := os.Getenv("GRIDMAP_EDITOR_SCREENSHOT"); out != "" {
			if err := os.WriteFile(out, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// The finding is drawn in magenta: its outline alone is hundreds of pixels.
		if after := magentaPixels(t, shot); after < before+300 {
			t.Errorf("%d magenta pixels before validate, %d after; want the overlap highlighted", before, after)
		}

		st := ed.press(t, "publish")
		if !strings.HasPrefix(st, "error|") || !strings.Contains(st, "422") || !strings.Contains(st, "拒绝发布") {
			t.Errorf("publish of an overlap: the status says %q; want the refusal", st)
		}
		if cs := f.call(t, f.planner, "GET", ed.path(t), nil).want(t, 200); cs.body["state"] != "open" {
			t.Errorf("after the refused publish the set is %v", cs.body["state"])
		}
	})
}

// editor drives the editor page open on one fixture's village.
type editor struct{ page browserPage }

// openEditor loads /editor from a server with change sets over the fixture's database,
// pastes the planner's key, opens a set on the village and zooms out a little so that
// points just outside the village are on the canvas.
func openEditor(t *testing.T, page browserPage, f csFixture) editor {
	t.Helper()
	srv := httptest.NewServer(api.New(api.Deps{Resolver: f.db, Households: f.db, Ready: f.db.Ping,
		Auth: keysOnly(t, f.db), Audit: f.db, ChangeSets: f.db, WebDir: "../web"}))
	t.Cleanup(srv.Close)
	page.do(t, chromedp.Navigate(srv.URL+"/editor"))
	eval[bool](t, page, `window.editorReady`)
	ed := editor{page}
	eval[bool](t, page, fmt.Sprintf(`(() => {
		const k = document.getElementById('key');
		k.value = %q;
		k.dispatchEvent(new Event('change'));
		document.getElementById('village').value = %q;
		return true;
	})()`, f.planner, f.village))
	if st := ed.press(t, "open"); !strings.HasPrefix(st, "ok|已打开") {
		t.Fatalf("opening a set on %s: %q", f.village, st)
	}
	eval[bool](t, page, `new Promise(done => {
		const m = window.editorMap;
		m.once('idle', () => done(true));
		m.jumpTo({zoom: m.getZoom() - 0.5});
	})`)
	return ed
}

// click moves the mouse to where the map draws the point and clicks there.
func (e editor) click(t *testing.T, lon, lat float64) {
	t.Helper()
	px := eval[struct{ X, Y float64 }](t, e.page, fmt.Sprintf(`(() => {
		const m = window.editorMap, r = m.getCanvas().getBoundingClientRect(), p = m.project([%v, %v]);
		return {X: r.left + p.x, Y: r.top + p.y};
	})()`, lon, lat))
	if px.X < 300 || px.X > viewWidth || px.Y < 0 || px.Y > viewHeight {
		t.Fatalf("(%v, %v) is drawn at %+v, off the map", lon, lat, px)
	}
	x, y := math.Round(px.X), math.Round(px.Y)
	e.page.do(t, chromedp.MouseEvent(chromedp.MouseMoved, x, y))
	e.page.do(t, chromedp.MouseClickXY(x, y))
}

func (e editor) resetStatus(t *testing.T) {
	t.Helper()
	eval[bool](t, e.page, `(document.getElementById('status').dataset.state = '', true)`)
}

// status waits for the status line to report an outcome and returns "ok|text" or
// "error|text".
func (e editor) status(t *testing.T) string {
	t.Helper()
	return e.page.poll(t, `(() => {
		const s = document.getElementById('status');
		return s.dataset.state === 'ok' || s.dataset.state === 'error' ? s.dataset.state + '|' + s.textContent : '';
	})()`)
}

// press clicks the button with the id and returns the outcome the status line reports.
func (e editor) press(t *testing.T, id string) string {
	t.Helper()
	e.resetStatus(t)
	eval[bool](t, e.page, fmt.Sprintf(`(document.getElementById(%q).click(), true)`, id))
	return e.status(t)
}

// path is the open set's path, as the page shows its id.
func (e editor) path(t *testing.T) string {
	t.Helper()
	return "/v1/changesets/" + e.page.poll(t, `document.getElementById('set').dataset.id || ''`)
}

// magentaPixels counts the pixels of the findings' colour (#ff00ff) in a PNG.
func magentaPixels(t *testing.T, shot []byte) int {
	t.Helper()
	n, _ := countPixels(t, shot, func(c [3]int) bool { return near(c, [3]int{0xff, 0, 0xff}) })
	return n
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
