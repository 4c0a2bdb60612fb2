package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/tiles"
)

// A configured basemap is in the style, its tiles are fetched by the page from their own
// origin (the content security policy lets them in) and drawn under the county: the
// screenshot shows the tiles' colour through the county's translucent fill.
func TestBasemapDrawnUnderTheMap(t *testing.T) {
	browser := os.Getenv("GRIDMAP_BROWSER")
	if browser == "" {
		t.Skip("GRIDMAP_BROWSER is not set (scripts/test.sh sets it)")
	}
	magenta := color.RGBA{255, 0, 255, 255}
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{magenta.R, magenta.G, magenta.B, magenta.A})
	}
	var tilePNG bytes.Buffer
	if err := png.Encode(&tilePNG, img); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int64
	imagery := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(tilePNG.Bytes())
	}))
	t.Cleanup(imagery.Close)
	bm, err := tiles.ParseBasemap(imagery.URL+"/img/{z}/{x}/{y}.png?tk=test", "test imagery")
	if err != nil {
		t.Fatal(err)
	}

	db, _ := sampleServer(t)
	srv, failures := mapPageServer(t, db, func(d *api.Deps) { d.Basemaps = []tiles.Basemap{bm} })
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' "+imagery.URL) {
		t.Errorf("the page's policy does not let the basemap in: %s", csp)
	}
	page := openBrowser(t, browser)
	page.do(t, chromedp.Navigate(srv.URL+"/"))
	page.idle(t)
	if fetched.Load() == 0 {
		t.Fatal("the page fetched no basemap tile")
	}
	if share := magentaShare(t, page.screenshot(t)); share < 0.3 {
		t.Errorf("%.1f%% of the screenshot shows the basemap's colour; want most of it", share*100)
	}
	// The page's opacity slider fades the basemap out.
	eval[bool](t, page, `(() => {
		const s = document.getElementById('basemap-opacity');
		s.value = 0;
		s.dispatchEvent(new Event('input'));
		return new Promise((done) => window.gridmapMap.once('idle', () => done(true)));
	})()`)
	if share := magentaShare(t, page.screenshot(t)); share > 0.01 {
		t.Errorf("%.1f%% of the screenshot still shows the basemap at opacity 0", share*100)
	}
	if f := failures(); len(f) > 0 {
		t.Errorf("requests that failed: %v", f)
	}
}

// magentaShare is the share of a screenshot's pixels that show the test basemap's colour.
func magentaShare(t *testing.T, shot []byte) float64 {
	t.Helper()
	n, total := countPixels(t, shot, func(c [3]int) bool { return c[0] > 170 && c[1] < 150 && c[2] > 170 })
	return float64(n) / float64(total)
}
