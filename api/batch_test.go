package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

type batchLine struct {
	I        int      `json:"i"`
	ID       any      `json:"id"`
	Grid     string   `json:"grid"`
	Chain    []string `json:"chain"`
	Complete bool     `json:"complete"`
	Error    *struct {
		Status  int    `json:"status"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

func postBatch(t *testing.T, url, contentType, body string) (int, []batchLine) {
	t.Helper()
	resp, err := http.Post(url+"/v1/resolve", contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []batchLine
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l batchLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return resp.StatusCode, lines
}

// Every input format gives one result per point, in order, the same grid as the single
// lookup, and per-point errors inline without failing the batch.
func TestBatchResolveFormats(t *testing.T) {
	_, servers := bothResolvers(t)
	srv := servers["memory"]
	rng := rand.New(rand.NewSource(9))
	type pt struct{ lon, lat float64 }
	var pts []pt
	for len(pts) < 300 {
		pts = append(pts, pt{104.57 + rng.Float64()*0.69, 26.05 + rng.Float64()*0.87})
	}
	want := make([]string, len(pts))
	for i, p := range pts {
		_, b, _ := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", srv.URL, p.lon, p.lat))
		want[i] = grid(b.Chain)
	}
	var jsonArr, ndjson, geojson, csv []string
	for i, p := range pts {
		jsonArr = append(jsonArr, fmt.Sprintf("[%v,%v]", p.lon, p.lat))
		ndjson = append(ndjson, fmt.Sprintf(`{"id":"p%d","lon":%v,"lat":%v}`, i, p.lon, p.lat))
		geojson = append(geojson, fmt.Sprintf(`{"type":"Feature","id":"p%d","properties":{},"geometry":{"type":"Point","coordinates":[%v,%v]}}`, i, p.lon, p.lat))
		csv = append(csv, fmt.Sprintf("p%d,%v,%v", i, p.lon, p.lat))
	}
	// one bad point in the middle of each input
	bad := 150
	jsonArr[bad], ndjson[bad] = "[26.5,104.8]", `{"id":"p150","lon":26.5,"lat":104.8}`
	geojson[bad] = `{"type":"Feature","id":"p150","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}`
	csv[bad] = "p150,abc,26.5"
	cases := map[string][2]string{
		"json":    {"application/json", "[" + strings.Join(jsonArr, ",") + "]"},
		"ndjson":  {"application/x-ndjson", strings.Join(ndjson, "\n")},
		"geojson": {"application/geo+json", `{"type":"FeatureCollection","name":"x","features":[` + strings.Join(geojson, ",") + "]}"},
		"csv":     {"text/csv", "id,lon,lat\n" + strings.Join(csv, "\n")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			status, lines := postBatch(t, srv.URL, c[0], c[1])
			if status != 200 || len(lines) != len(pts) {
				t.Fatalf("status %d, %d lines for %d points", status, len(lines), len(pts))
			}
			for i, l := range lines {
				if l.I != i {
					t.Fatalf("line %d has i=%d: order lost", i, l.I)
				}
				if i == bad {
					if l.Error == nil || l.Error.Status != 400 {
						t.Fatalf("bad point %d: %+v", i, l)
					}
					continue
				}
				if l.Grid != want[i] || (want[i] == "" && (l.Error == nil || l.Error.Status != 404)) {
					t.Fatalf("point %d: got grid %q %+v, single lookup says %q", i, l.Grid, l.Error, want[i])
				}
			}
		})
	}
	if status, _ := postBatch(t, srv.URL, "text/plain", "x"); status != 400 {
		t.Fatalf("unknown content type: %d", status)
	}
}

// Household chains in bulk: ids in, one chain per id out in order, unknown ids inline.
func TestHouseholdChainsInBulk(t *testing.T) {
	_, srv := sampleServer(t)
	rows, err := pgtest.Pool(t).Query(context.Background(), `SELECT id, unit_code FROM households ORDER BY id LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	var ids, units []string
	for rows.Next() {
		var id, unit string
		rows.Scan(&id, &unit)
		ids, units = append(ids, id), append(units, unit)
	}
	ids[10], units[10] = "no-such-household", ""
	body, _ := json.Marshal(ids)
	for name, req := range map[string][2]string{
		"json":  {"application/json", string(body)},
		"lines": {"text/plain", strings.Join(ids, "\n")},
	} {
		t.Run(name, func(t *testing.T) {
			hreq, _ := http.NewRequest("POST", srv.URL+"/v1/households/chains", strings.NewReader(req[1]))
			hreq.Header.Set("Content-Type", req[0])
			resp, err := http.DefaultClient.Do(asAdmin(hreq))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			n := 0
			for ; sc.Scan(); n++ {
				var l struct {
					I      int    `json:"i"`
					ID     string `json:"id"`
					Result *struct {
						Unit struct{ Code string } `json:"unit"`
					} `json:"result"`
					Error *struct{ Status int } `json:"error"`
				}
				if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
					t.Fatal(err)
				}
				if l.I != n || l.ID != ids[n] {
					t.Fatalf("line %d is for %d %q, want %q", n, l.I, l.ID, ids[n])
				}
				if units[n] == "" {
					if l.Error == nil || l.Error.Status != 404 {
						t.Fatalf("unknown id: %s", sc.Text())
					}
				} else if l.Result == nil || l.Result.Unit.Code != units[n] {
					t.Fatalf("id %s: %s", ids[n], sc.Text())
				}
			}
			if n != len(ids) {
				t.Fatalf("%d lines for %d ids", n, len(ids))
			}
		})
	}
}

// A batch whose body is still partly unread when the answer starts — here some 200 KB of
// CSV — is answered to its last point: net/http must not drop the rest of the body once the
// first lines go out (it did for bodies under 256 KiB, answering a few hundred points and
// then an error on every line after). Points agree with the single lookup.
func TestBatchAnswersEveryPointOfAMidSizedBody(t *testing.T) {
	_, servers := bothResolvers(t)
	srv := servers["memory"]
	rng := rand.New(rand.NewSource(11))
	var rows []string
	type pt struct{ lon, lat float64 }
	var pts []pt
	for i := range 6000 {
		p := pt{104.57 + rng.Float64()*0.69, 26.05 + rng.Float64()*0.87}
		pts = append(pts, p)
		rows = append(rows, fmt.Sprintf("p%d,%.6f,%.6f", i, p.lon, p.lat))
	}
	body := "id,lon,lat\n" + strings.Join(rows, "\n") + "\n"
	status, lines := postBatch(t, srv.URL, "text/csv", body)
	if status != 200 || len(lines) != len(pts) {
		t.Fatalf("status %d, %d lines for %d points (body %d bytes)", status, len(lines), len(pts), len(body))
	}
	for i, l := range lines {
		if l.I != i || l.ID != fmt.Sprintf("p%d", i) {
			t.Fatalf("line %d is for point %d %v", i, l.I, l.ID)
		}
		if l.Error != nil && l.Error.Status != 404 {
			t.Fatalf("point %d: %+v", i, l.Error)
		}
		if i%100 == 0 {
			_, b, _ := get(t, fmt.Sprintf("%s/v1/resolve?lon=%.6f&lat=%.6f", srv.URL, pts[i].lon, pts[i].lat))
			if l.Grid != grid(b.Chain) {
				t.Fatalf("point %d: batch says %q, the single lookup %q", i, l.Grid, grid(b.Chain))
			}
		}
	}
}
