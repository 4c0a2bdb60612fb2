package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/tiles"
)

// The map page in a real browser: headless Chromium loads it, MapLibre fetches the style, the
// TileJSON and tiles from this server and draws them. scripts/test.sh installs Chromium and the
// page's npm packages and sets GRIDMAP_BROWSER; without it the test is skipped (go test alone).
func TestMapPageDrawsTilesInABrowser(t *testing.T) {
	browser := os.Getenv("GRIDMAP_BROWSER")
	if browser == "" {
		t.Skip("GRIDMAP_BROWSER is not set (scripts/test.sh sets it)")
	}
	db, _ := sampleServer(t)
	st, err := db.StateAt(context.Background(), true, false)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := tiles.NewService(geo.State{Seq: st.Seq, Units: st.Units, People: st.People, Features: st.Features}, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Tiles: svc, WebDir: "../web"})
	var mu sync.Mutex
	seen := map[string]int{} // path kind -> count of 200/204 answers
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		kind := r.URL.Path
		if strings.HasSuffix(kind, ".mvt") {
			kind = "tile"
		}
		mu.Lock()
		if rec.status == 200 || rec.status == 204 {
			seen[kind]++
		} else {
			seen["failed "+r.URL.Path]++
		}
		mu.Unlock()
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--window-size=800,600",
		"--virtual-time-budget=15000", "--dump-dom", srv.URL+"/#12/26.55/104.85").Output()
	if err != nil {
		t.Fatalf("running %s: %v", browser, err)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("requests: %v", seen)
	if !strings.Contains(string(out), "maplibregl-canvas") {
		t.Errorf("the page has no MapLibre canvas: %.500s", out)
	}
	for _, want := range []string{"/", "/web/app.js", "/web/vendor/maplibre-gl.js", "/styles/public.json", "/tiles/public.json"} {
		if seen[want] == 0 {
			t.Errorf("the browser did not get %s", want)
		}
	}
	if seen["tile"] < 4 {
		t.Errorf("the browser fetched %d tiles; want the tiles of the view", seen["tile"])
	}
	for k := range seen {
		if strings.HasPrefix(k, "failed ") {
			t.Errorf("request %s", k)
		}
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
