package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/directory"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// directoryServer serves the API with the unit directory built from the test database.
func directoryServer(t *testing.T) (*postgis.DB, *httptest.Server) {
	t.Helper()
	db, _ := sampleServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Directory: testDirectory(t, db)}))
	t.Cleanup(srv.Close)
	return db, srv
}

func testDirectory(t *testing.T, db *postgis.DB) *directory.Directory {
	t.Helper()
	st, err := db.StateAt(context.Background(), false, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.TenHH) == 0 || len(st.Households) == 0 {
		t.Fatalf("the state holds %d ten-household units and %d households", len(st.TenHH), len(st.Households))
	}
	return directory.New(directory.Input{Seq: st.Seq, Units: st.Units, People: st.People, TenHH: st.TenHH, Households: st.Households})
}

// getBody fetches a URL and returns the status and body.
func getBody(t *testing.T, u string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

type unitAnswer struct {
	Code, Name, Level string
	Parent            *struct{ Code, Name, Level string }
	Path              []struct{ Code string }
	Children          []struct{ Code, Name, Level string }
	People            []struct{ Role, Name, Phone string }
	Statistics        struct {
		Households, Members, People, Grids int
		TenHH                              int     `json:"tenhh_units"`
		AreaKm2                            float64 `json:"area_km2"`
	}
	BBox  *[4]float64
	TenHH []struct {
		Code, Name          string
		Households, Members int
	} `json:"tenhh_units"`
}

// sqlStats counts from the database what the directory sums in memory for the unit code.
func sqlStats(t *testing.T, code string) (households, members, tenhh, grids, children int) {
	t.Helper()
	err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM households WHERE unit_code LIKE $1 || '%'),
		       (SELECT coalesce(sum(members), 0) FROM households WHERE unit_code LIKE $1 || '%'),
		       (SELECT count(*) FROM tenhh_units WHERE code LIKE $1 || '%'),
		       (SELECT count(*) FROM units WHERE level = 'grid' AND code LIKE $1 || '%'),
		       (SELECT count(*) FROM units WHERE parent_code = $1)`, code).
		Scan(&households, &members, &tenhh, &grids, &children)
	if err != nil {
		t.Fatal(err)
	}
	return
}

func TestUnitAnswersCountWhatTheDatabaseHolds(t *testing.T) {
	_, srv := directoryServer(t)
	grid := gridWithHouseholds(t)
	for _, code := range []string{sampleCounty, "520204103", "520204103200", grid} {
		t.Run(code, func(t *testing.T) {
			status, _, body := getBody(t, srv.URL+"/v1/units/"+code)
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			var u unitAnswer
			if err := json.Unmarshal(body, &u); err != nil {
				t.Fatal(err)
			}
			hh, members, tenhh, grids, children := sqlStats(t, code)
			st := u.Statistics
			if u.Code != code || st.Households != hh || st.Members != members || st.TenHH != tenhh || st.Grids != grids || len(u.Children) != children {
				t.Errorf("%s: households %d, members %d, ten-household units %d, grids %d, children %d; the database holds %d, %d, %d, %d, %d",
					code, st.Households, st.Members, st.TenHH, st.Grids, len(u.Children), hh, members, tenhh, grids, children)
			}
			if st.AreaKm2 <= 0 || u.BBox == nil || u.BBox[0] >= u.BBox[2] || u.BBox[1] >= u.BBox[3] {
				t.Errorf("area %v km², bbox %v", st.AreaKm2, u.BBox)
			}
			if code != sampleCounty && (u.Parent == nil || !strings.HasPrefix(code, u.Parent.Code) || len(u.Path) == 0) {
				t.Errorf("parent %+v, path %+v", u.Parent, u.Path)
			}
			if u.Level == "grid" {
				if len(u.TenHH) != tenhh || len(u.People) == 0 {
					t.Errorf("a grid with %d ten-household units and %d people; want %d units and its head and worker", len(u.TenHH), len(u.People), tenhh)
				}
			} else if bytes.Contains(body, []byte(`"tenhh_units":[`)) {
				t.Errorf("a %s lists ten-household units", u.Level)
			}
			for _, p := range u.People {
				if p.Role == "unit_head" {
					t.Errorf("a unit head is shown: %+v", p)
				}
			}
		})
	}
}

// gridWithHouseholds returns a grid of the sample with households in it.
func gridWithHouseholds(t *testing.T) string {
	t.Helper()
	var code string
	err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT t.grid_code FROM households h JOIN tenhh_units t ON t.code = h.unit_code
		WHERE t.grid_code LIKE '520204103%' ORDER BY t.grid_code LIMIT 1`).Scan(&code)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// Nothing of a household or a unit head reaches a unit's answer: its ids, addresses and
// unit heads' phones are looked for in the answers for a grid and its village.
func TestUnitAnswersCarryNoPersonalData(t *testing.T) {
	_, srv := directoryServer(t)
	grid := gridWithHouseholds(t)
	rows, err := pgtest.Pool(t).Query(context.Background(), `
		SELECT h.id FROM households h WHERE h.unit_code LIKE $1 || '%'
		UNION SELECT h.address FROM households h WHERE h.unit_code LIKE $1 || '%'
		UNION SELECT p.phone FROM people p JOIN responsibilities r ON r.person_id = p.id WHERE r.tenhh_code LIKE $1 || '%'`, grid)
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	if len(secrets) < 3 {
		t.Fatalf("only %d personal values to look for", len(secrets))
	}
	for _, path := range []string{"/v1/units/" + grid, "/v1/units/" + grid[:12], "/v1/units/" + grid[:12] + "/children", "/v1/units/" + grid[:12] + "/children.csv"} {
		_, _, body := getBody(t, srv.URL+path)
		for _, s := range secrets {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("%s holds %q", path, s)
			}
		}
	}
}

func TestUnitChildrenJSONAndCSV(t *testing.T) {
	_, srv := directoryServer(t)
	const town = "520204103"
	_, _, _, grids, children := sqlStats(t, town)
	cases := []struct {
		query string
		want  int
	}{{"", children}, {"?level=grid", grids}}
	for _, tc := range cases {
		t.Run("json"+tc.query, func(t *testing.T) {
			status, _, body := getBody(t, srv.URL+"/v1/units/"+town+"/children"+tc.query)
			var ans struct {
				Unit     struct{ Code string }
				Children []struct {
					Code       string
					Statistics struct{ Households int }
				}
			}
			if err := json.Unmarshal(body, &ans); status != 200 || err != nil {
				t.Fatalf("status %d, %v: %s", status, err, body)
			}
			if ans.Unit.Code != town || len(ans.Children) != tc.want {
				t.Errorf("unit %s with %d children; want %s with %d", ans.Unit.Code, len(ans.Children), town, tc.want)
			}
		})
		t.Run("csv"+tc.query, func(t *testing.T) {
			status, h, body := getBody(t, srv.URL+"/v1/units/"+town+"/children.csv"+tc.query)
			if status != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.HasPrefix(body, []byte("\uFEFF")) {
				t.Fatalf("status %d, type %q, starts %q", status, h.Get("Content-Type"), body[:min(len(body), 10)])
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tc.want+1 || strings.Join(recs[0], ",") != "code,name,level,parent_code,households,members,tenhh_units,people,area_km2,grids" {
				t.Fatalf("%d rows, header %v; want %d rows", len(recs), recs[0], tc.want+1)
			}
			total := 0
			for _, r := range recs[1:] {
				var n int
				fmt.Sscan(r[4], &n)
				total += n
			}
			if hh, _, _, _, _ := sqlStats(t, town); total != hh {
				t.Errorf("the rows' households add up to %d; the town holds %d", total, hh)
			}
		})
	}
}

func TestSearchAnswers(t *testing.T) {
	_, srv := directoryServer(t)
	type result struct {
		Code, Name, Level, Match string
		Path                     []string
		BBox                     *[4]float64
	}
	search := func(t *testing.T, query string) (int, []result, string) {
		status, _, body := getBody(t, srv.URL+"/v1/search?"+query)
		var ans struct {
			Results []result
			Error   struct{ Field string }
		}
		if err := json.Unmarshal(body, &ans); err != nil {
			t.Fatal(err)
		}
		return status, ans.Results, ans.Error.Field
	}
	t.Run("a village by name", func(t *testing.T) {
		status, rs, _ := search(t, "q="+url.QueryEscape("坪地村"))
		if status != 200 || len(rs) == 0 {
			t.Fatalf("status %d, %d results", status, len(rs))
		}
		if r := rs[0]; r.Code != "520204103200" || r.Match != "name_prefix" || r.BBox == nil || len(r.Path) != 2 || r.Path[1] != "鸡场镇" {
			t.Errorf("first result %+v; want the village 520204103200 under 鸡场镇", r)
		}
	})
	t.Run("pinyin initials", func(t *testing.T) {
		_, rs, _ := search(t, "q=pdc&limit=50")
		found := false
		for _, r := range rs {
			found = found || r.Code == "520204103200"
		}
		if !found {
			t.Errorf("pdc does not find 坪地村 (520204103200): %+v", rs)
		}
	})
	t.Run("a code", func(t *testing.T) {
		_, rs, _ := search(t, "q=520204103&limit=3")
		if len(rs) != 3 || rs[0].Code != "520204103" || rs[0].Match != "code" || rs[1].Match != "code_prefix" {
			t.Errorf("results %+v; want the town first, then two code prefixes", rs)
		}
	})
	t.Run("one level", func(t *testing.T) {
		// As the editor asks: villages only, though the village's grids share its name.
		status, rs, _ := search(t, "level=village&limit=8&q="+url.QueryEscape("坪地"))
		if status != 200 || len(rs) == 0 {
			t.Fatalf("status %d, %d results", status, len(rs))
		}
		for _, r := range rs {
			if r.Level != "village" {
				t.Errorf("level=village answered %s %s (%s)", r.Level, r.Code, r.Name)
			}
		}
	})
	for _, tc := range []struct{ query, field string }{
		{"q=", "q"}, {"", "q"}, {"q=%20", "q"}, {"q=a&limit=0", "limit"}, {"q=a&limit=51", "limit"}, {"q=a&limit=x", "limit"},
		{"q=a&level=hamlet", "level"},
		{"q=" + strings.Repeat("村", 65), "q"},
	} {
		t.Run("refused "+tc.query, func(t *testing.T) {
			if status, _, field := search(t, tc.query); status != 400 || field != tc.field {
				t.Errorf("status %d naming %q; want 400 naming %q", status, field, tc.field)
			}
		})
	}
}

func TestUnitErrors(t *testing.T) {
	_, srv := directoryServer(t)
	for _, tc := range []struct {
		path   string
		status int
		field  string
	}{
		{"/v1/units/999999", 404, ""},
		{"/v1/units/52020x", 400, "code"},
		{"/v1/units/520204/children?level=town2", 400, "level"},
		{"/v1/units/999999/children.csv", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, _, body := getBody(t, srv.URL+tc.path)
			var e struct{ Error struct{ Field string } }
			json.Unmarshal(body, &e)
			if status != tc.status || e.Error.Field != tc.field {
				t.Errorf("status %d naming %q; want %d naming %q: %s", status, e.Error.Field, tc.status, tc.field, body)
			}
		})
	}
}

// The directory that serve builds follows the change log: a household added to a grid
// reaches the grid's and its village's statistics without a restart, and so does its
// removal. (Units and people are not edited here: the package's other tests share them.)
func TestDirectoryFollowsTheChangeLog(t *testing.T) {
	db, _ := sampleServer(t)
	dir := testDirectory(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go db.Follow(ctx, dir, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)),
		postgis.UnitEntity, postgis.ResponsibilityEntity, postgis.HouseholdEntity)
	grid := gridWithHouseholds(t)
	village := grid[:12]
	before, _ := dir.View().Unit(grid)
	if before == nil {
		t.Fatalf("grid %s is not in the directory", grid)
	}
	pool := pgtest.Pool(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	var tenhh string
	if err := pool.QueryRow(context.Background(), `SELECT min(code) FROM tenhh_units WHERE grid_code = $1`, grid).Scan(&tenhh); err != nil {
		t.Fatal(err)
	}
	villageBefore, _ := dir.View().Unit(village)
	if villageBefore == nil {
		t.Fatalf("village %s is not in the directory", village)
	}
	// waitFor polls the directory until check holds for the unit (the follower polls every 20 ms).
	waitFor := func(what, code string, check func(e *directory.Entry) bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			if e, ok := dir.View().Unit(code); ok && check(e) {
				return
			}
			if time.Now().After(deadline) {
				e, _ := dir.View().Unit(code)
				t.Fatalf("%s: the directory did not follow; unit %s is %+v", what, code, e)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	exec(`INSERT INTO households (id, unit_code, address, members, geom) VALUES ('dashboard-follow-1', $1, 'test', 7, ST_SetSRID(ST_MakePoint(105, 26.9), 4326))`, tenhh)
	defer exec(`DELETE FROM households WHERE id = 'dashboard-follow-1'`)
	waitFor("a household added", grid, func(e *directory.Entry) bool {
		return e.Stats.Households == before.Stats.Households+1 && e.Stats.Members == before.Stats.Members+7
	})
	waitFor("a household added, in its village", village, func(e *directory.Entry) bool {
		return e.Stats.Households == villageBefore.Stats.Households+1
	})
	exec(`DELETE FROM households WHERE id = 'dashboard-follow-1'`)
	waitFor("the household deleted", grid, func(e *directory.Entry) bool { return e.Stats.Households == before.Stats.Households })
}
