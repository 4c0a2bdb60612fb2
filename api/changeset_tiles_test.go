package api_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// A change set's preview tiles draw the draft as it stands (a split's new grid, marked
// edited) for planners over its parent, and nobody else.
func TestChangeSetPreviewTiles(t *testing.T) {
	f := newCSFixture(t, "990605", 110.4)
	path := f.open(t, "preview")
	line := map[string]any{"type": "LineString", "coordinates": [][]float64{{f.x + 0.004, f.y - 0.001}, {f.x + 0.004, f.y + 0.021}}}
	f.call(t, f.planner, "POST", path+"/split", map[string]any{"code": f.grid1, "line": line, "name": "西片"}).want(t, 200)
	newGrid := f.village + "003"

	tile := maptile.At(orb.Point{f.x + 0.005, f.y + 0.01}, 14)
	url := fmt.Sprintf("%s%s/tiles/%d/%d/%d.mvt", f.srv.URL, path, tile.Z, tile.X, tile.Y)
	get := func(token string) (int, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	status, body := get(f.planner)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	edited := map[string]any{}
	for _, l := range layers {
		if l.Name != "grid" {
			continue
		}
		for _, ft := range l.Features {
			edited[fmt.Sprint(ft.Properties["code"])] = ft.Properties["edited"]
		}
	}
	if edited[newGrid] != true || edited[f.grid1] != true || edited[f.grid2] != false {
		t.Errorf("grids in the preview and whether edited: %v", edited)
	}
	for _, c := range []struct {
		name, token string
		status      int
	}{{"anonymous", "", 401}, {"viewer", f.viewer, 403}, {"planner of another town", f.outsider, 403}} {
		if status, body := get(c.token); status != c.status {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	if a := f.call(t, f.planner, "GET", path+"/tiles/30/0/0.mvt", nil); a.status != 400 {
		t.Errorf("z 30: %d %s", a.status, a.raw)
	}
}
