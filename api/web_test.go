package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/directory"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/gridmap/gridmap/tiles"
)

// The map page as a person sees it, in headless Chromium driven by chromedp: a first visit
// opens on the county (the screenshot is mostly map, the centre lies in the county), the
// tiles drawn hold features, a click shows the clicked point's grid, and a reload returns to
// the view in the URL's hash. Every wait is on the page's own signals (MapLibre's `idle`,
// the chain list's data-point), never on a fixed time or number of requests.
//
// scripts/test.sh installs Chromium and the page's npm packages and sets GRIDMAP_BROWSER;
// without it the test is skipped (go test alone). With GRIDMAP_SCREENSHOT set to a path the
// screenshot of the first visit is written there (docs/dashboard.png is made so).
func TestWebMapPageInABrowser(t *testing.T) {
	browser := os.Getenv("GRIDMAP_BROWSER")
	if browser == "" {
		t.Skip("GRIDMAP_BROWSER is not set (scripts/test.sh sets it)")
	}
	db, _ := sampleServer(t)
	srv, failures := mapPageServer(t, db)
	county := countyBounds(t, db)
	target := gridInterior(t, db)
	page := openBrowser(t, browser)

	t.Run("first visit opens on the county", func(t *testing.T) {
		page.do(t, chromedp.Navigate(srv.URL+"/"))
		page.idle(t)
		shot := page.screenshot(t)
		if out := os.Getenv("GRIDMAP_SCREENSHOT"); out != "" {
			if err := os.WriteFile(out, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if share := notBackground(t, shot); share < 0.2 {
			t.Errorf("%.1f%% of the screenshot is not the background colour; want the county to fill the view", share*100)
		}
		view := page.settledView(t)
		if view.Lon < county[0] || view.Lon > county[2] || view.Lat < county[1] || view.Lat > county[3] {
			t.Errorf("the map's centre (%v, %v) lies outside the county's bounds %v", view.Lon, view.Lat, county)
		}
	})

	t.Run("the drawn tiles hold features", func(t *testing.T) {
		for _, layer := range []string{"county", "town"} {
			n := eval[int](t, page, fmt.Sprintf(`window.gridmapMap.querySourceFeatures('public', {sourceLayer: %q}).length`, layer))
			if n == 0 {
				t.Errorf("the loaded tiles hold no %s features", layer)
			}
		}
		if n := eval[int](t, page, `window.gridmapMap.queryRenderedFeatures().length`); n == 0 {
			t.Error("no features are drawn on the map")
		}
	})

	t.Run("a click shows the clicked point's grid", func(t *testing.T) {
		// Zoom in on the point as a person would, so one pixel is a few metres and the click
		// lands well inside the grid, then click where the map draws the point.
		eval[bool](t, page, fmt.Sprintf(`new Promise(done => {
			const map = window.gridmapMap;
			map.once('idle', () => done(true));
			map.jumpTo({center: [%v, %v], zoom: 15});
		})`, target.Lon, target.Lat))
		drawn := eval[[]string](t, page, fmt.Sprintf(`window.gridmapMap.queryRenderedFeatures(
			window.gridmapMap.project([%v, %v]), {layers: ['grid-fill']}).map(f => f.properties.code)`, target.Lon, target.Lat))
		if len(drawn) != 1 || drawn[0] != target.Code {
			t.Errorf("the tiles draw grids %v at the point; want %s", drawn, target.Code)
		}
		px := eval[struct{ X, Y float64 }](t, page, fmt.Sprintf(`window.gridmapMap.project([%v, %v])`, target.Lon, target.Lat))
		page.do(t, chromedp.MouseClickXY(math.Round(px.X), math.Round(px.Y)))
		point := page.poll(t, `document.getElementById('chain').dataset.point`)
		var lon, lat float64
		if _, err := fmt.Sscanf(point, "%f,%f", &lon, &lat); err != nil {
			t.Fatalf("the chain's data-point %q: %v", point, err)
		}
		// One pixel at zoom 15 is 360/2^24 degrees of longitude: the page must have asked
		// for the clicked point, not the map's centre or 0/0.
		if pixel := 360 / math.Exp2(24); math.Abs(lon-target.Lon) > 2*pixel || math.Abs(lat-target.Lat) > 2*pixel {
			t.Errorf("the page looked up (%v, %v); the click was at (%v, %v)", lon, lat, target.Lon, target.Lat)
		}
		text := eval[string](t, page, `document.getElementById('chain').innerText`)
		if !strings.Contains(text, "("+target.Code+")") {
			t.Errorf("after a click in grid %s the page says:\n%s", target.Code, text)
		}
	})

	t.Run("a reload keeps the view of the hash", func(t *testing.T) {
		before := page.settledView(t)
		page.do(t, chromedp.Reload())
		page.idle(t)
		after := page.view(t)
		if after.Hash != before.Hash {
			t.Errorf("the hash was %q before the reload and is %q after it", before.Hash, after.Hash)
		}
		// The hash rounds the centre to well under a pixel at its zoom.
		pixel := 360 / math.Exp2(before.Zoom+9)
		if math.Abs(after.Zoom-before.Zoom) > 0.01 || math.Abs(after.Lon-before.Lon) > pixel || math.Abs(after.Lat-before.Lat) > pixel {
			t.Errorf("the reload shows %+v; before it the view was %+v", after, before)
		}
	})

	for _, f := range failures() {
		t.Errorf("request %s", f)
	}
}

// sampleCounty is the code of the generated 水城区 that sampleServer loads. Other tests of
// the package add units elsewhere (a test county near 120°E) to the shared database.
const sampleCounty = "520204"

// mapPageServer serves the API, the tiles of the sample county and the map page, and
// returns the requests it did not answer with 2xx or 304. The tiles hold the sample county
// alone, so that the page's first view (the tileset's bounds) does not depend on which other
// tests ran before in the same database. opts change the API's dependencies (a basemap).
func mapPageServer(t *testing.T, db *postgis.DB, opts ...func(*api.Deps)) (*httptest.Server, func() []string) {
	t.Helper()
	st, err := db.StateAt(context.Background(), true, true)
	if err != nil {
		t.Fatal(err)
	}
	inSample := func(code string) bool { return strings.HasPrefix(code, sampleCounty) }
	sample := geo.State{
		Seq:        st.Seq,
		Units:      slices.DeleteFunc(st.Units, func(u geo.Unit) bool { return !inSample(u.Code) }),
		People:     slices.DeleteFunc(st.People, func(p geo.Responsibility) bool { return !inSample(p.UnitCode) }),
		Features:   slices.DeleteFunc(st.Features, func(f geo.Feature) bool { return f.CountyCode != sampleCounty }),
		Households: slices.DeleteFunc(st.Households, func(h geo.Household) bool { return !inSample(h.UnitCode) }),
		TenHH:      slices.DeleteFunc(st.TenHH, func(u geo.TenHHUnit) bool { return !inSample(u.Code) }),
	}
	if len(sample.Units) == 0 || len(sample.Features) == 0 || len(sample.Households) == 0 {
		t.Fatalf("the database holds %d units, %d features and %d households of county %s", len(sample.Units), len(sample.Features), len(sample.Households), sampleCounty)
	}
	svc, err := tiles.NewService(sample, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	dir := directory.New(directory.Input{Seq: sample.Seq, Units: sample.Units, People: sample.People, TenHH: sample.TenHH, Households: sample.Households})
	deps := api.Deps{Resolver: db, Households: db, Ready: db.Ping, Tiles: svc, WebDir: "../web", Directory: dir}
	for _, o := range opts {
		o(&deps)
	}
	h := api.New(deps)
	var mu sync.Mutex
	var failed []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		if strings.HasPrefix(r.URL.Path, "/tiles/public/") {
			tileRequests.Add(1)
			tileBytes.Add(rec.bytes)
		}
		if rec.status >= 300 && rec.status != http.StatusNotModified {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("%s: %d", r.URL, rec.status))
			mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), failed...)
	}
}

// countyBounds returns the sample county's bounding box: west, south, east, north.
func countyBounds(t *testing.T, db *postgis.DB) [4]float64 {
	t.Helper()
	var b [4]float64
	err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM units WHERE code = $1`, sampleCounty).
		Scan(&b[0], &b[1], &b[2], &b[3])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type gridPoint struct {
	Code     string
	Lon, Lat float64
}

// gridInterior returns a grid of the sample and the centre of the largest circle inside it:
// a point far from its edges, so that a click within a pixel of it still lands in it.
func gridInterior(t *testing.T, db *postgis.DB) gridPoint {
	t.Helper()
	var g gridPoint
	err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT code, ST_X(c.center), ST_Y(c.center)
		FROM (SELECT code, geom FROM units WHERE level = 'grid' AND county_code = $1 ORDER BY code LIMIT 1 OFFSET 100) g,
		     ST_MaximumInscribedCircle(g.geom) c`, sampleCounty).Scan(&g.Code, &g.Lon, &g.Lat)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// The page's size in the browser (and of docs/dashboard.png).
const viewWidth, viewHeight = 1024, 720

// browserPage is one tab of a headless Chromium, for the length of a test.
type browserPage struct{ ctx context.Context }

// openBrowser starts Chromium with a fresh profile, software WebGL and a fixed window, and
// stops it when the test ends.
func openBrowser(t *testing.T, browser string) browserPage {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.WindowSize(viewWidth, viewHeight),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not carry a timeout (that would end it). The
	// viewport is set on the page: the headless window's own size leaves it smaller.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewWidth, viewHeight)); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	return browserPage{ctx}
}

// stepTimeout bounds one step in the browser: a hung page fails the test, it does not hang it.
const stepTimeout = 60 * time.Second

func run[T any](t *testing.T, p browserPage, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (p browserPage) do(t *testing.T, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, p, a)
}

// eval evaluates a JavaScript expression in the page, awaiting it when it is a promise.
func eval[T any](t *testing.T, p browserPage, expr string) T {
	t.Helper()
	return run(t, p, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// idle waits for the page's map to draw its first view with all its tiles.
func (p browserPage) idle(t *testing.T) {
	t.Helper()
	eval[bool](t, p, `window.gridmapIdle.then(() => true)`)
}

// poll waits until the expression gives a non-empty string (checked on each frame).
func (p browserPage) poll(t *testing.T, expr string) string {
	t.Helper()
	return run(t, p, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(stepTimeout)))
}

func (p browserPage) screenshot(t *testing.T) []byte {
	t.Helper()
	return run(t, p, chromedp.CaptureScreenshot())
}

// mapView is where the map looks and what the URL's hash says.
type mapView struct {
	Lon, Lat, Zoom float64
	Hash           string
}

// hashTimeout is how long MapLibre may take to write a view into the hash (it does so at
// most every 300 ms).
const hashTimeout = 10 * time.Second

// settledView waits until the URL's hash (#zoom/lat/lon) says the map's view, to within a
// pixel, and returns the view. The hash is how a reload or a shared link keeps the view.
func (p browserPage) settledView(t *testing.T) mapView {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, hashTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
		const m = window.gridmapMap, c = m.getCenter(), z = m.getZoom();
		const [hz, lat, lon] = location.hash.slice(1).split('/').map(Number);
		const pixel = 360 / 2 ** (z + 9);
		return Math.abs(hz - z) <= 0.01 && Math.abs(lat - c.lat) <= pixel && Math.abs(lon - c.lng) <= pixel;
	})()`, chromedp.WithPollingTimeout(hashTimeout)))
	v := p.view(t)
	if err != nil {
		t.Fatalf("the URL's hash %q does not say the view %+v: %v", v.Hash, v, err)
	}
	return v
}

// view returns where the map looks and what the URL's hash says.
func (p browserPage) view(t *testing.T) mapView {
	t.Helper()
	return eval[mapView](t, p, `(() => {
		const m = window.gridmapMap, c = m.getCenter();
		return {Lon: c.lng, Lat: c.lat, Zoom: m.getZoom(), Hash: location.hash};
	})()`)
}

// background is the style's background colour (tiles.Style): where no data is drawn.
var background = [3]int{0xf2, 0xef, 0xe6}

// notBackground returns the share of the PNG's pixels that differ from the background
// colour by more than a rounding error.
func notBackground(t *testing.T, shot []byte) float64 {
	t.Helper()
	n, total := countPixels(t, shot, func(c [3]int) bool { return !near(c, background) })
	return float64(n) / float64(total)
}

// countPixels decodes a PNG screenshot and counts the pixels whose colour (8 bits a channel)
// match accepts, and all its pixels. Every test that looks at what is drawn counts so.
func countPixels(t *testing.T, shot []byte, match func(rgb [3]int) bool) (n, total int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Empty() {
		t.Fatal("the screenshot is empty")
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if match(rgbAt(img, x, y)) {
				n++
			}
		}
	}
	return n, b.Dx() * b.Dy()
}

// rgbAt is the colour of a pixel, 8 bits a channel.
func rgbAt(img image.Image, x, y int) [3]int {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
}

// near reports whether two colours differ by a rounding error at most in every channel.
func near(a, b [3]int) bool {
	for i := range a {
		if d := a[i] - b[i]; d < -3 || d > 3 {
			return false
		}
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// tileRequests and tileBytes count the public tiles the map page servers sent (bodies as
// sent, gzipped when asked): MapLibre fetches tiles in its workers, whose requests the
// page's own resource timings do not list.
var tileRequests, tileBytes atomic.Int64

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
