package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/wire"
	"github.com/paulmach/orb"
)

// fastSample is 水城区 generated in memory (no database) and its live index, as serve holds
// it, built once for the tests and benchmarks of this file.
var fastSample = sync.OnceValues(func() (*gen.County, error) {
	return genfiles.Generate("../data/sample/520204-county.geojson", "../data/sample/520204-divisions.csv", gen.Options{Seed: 7})
})

var fastLive = sync.OnceValues(func() (*index.Live, error) {
	c, err := fastSample()
	if err != nil {
		return nil, err
	}
	return index.NewLive(c.Units, c.People, 1)
})

func sampleLive(tb testing.TB) (*gen.County, *index.Live) {
	tb.Helper()
	c, err := fastSample()
	if err != nil {
		tb.Fatal(err)
	}
	l, err := fastLive()
	if err != nil {
		tb.Fatal(err)
	}
	return c, l
}

// countyBox is the bounding box of the county unit.
func countyBox(c *gen.County) [4]float64 {
	for _, u := range c.Units {
		if u.Level == geo.County {
			b := u.Geom.Bound()
			return [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		}
	}
	panic("no county")
}

// boxQueries returns n query strings at random points of the box written as the wrk script
// writes them (six decimals), about half of them outside the data.
func boxQueries(box [4]float64, n int, seed int64) []string {
	rng := rand.New(rand.NewSource(seed))
	qs := make([]string, n)
	for i := range qs {
		lon := box[0] + rng.Float64()*(box[2]-box[0])
		lat := box[1] + rng.Float64()*(box[3]-box[1])
		qs[i] = fmt.Sprintf("lon=%.6f&lat=%.6f", lon, lat)
	}
	return qs
}

// generalRoad hides Find: a server over it answers every lookup as resolvePoint always
// did, through Resolve and encoding/json.
type generalRoad struct{ geo.Resolver }

func quietServer(res geo.Resolver) *Server {
	return New(Deps{Resolver: res, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// answer is one response as the recorder saw it.
type answer struct {
	status int
	header http.Header
	body   string
}

func record(h http.HandlerFunc, query string) answer {
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest(http.MethodGet, "/v1/resolve?"+query, nil))
	return answer{rec.Code, rec.Header(), rec.Body.String()}
}

// referenceAnswer is what encoding/json writes for the lookup of the query's point
// (already in WGS84) with res: the wire.Answer of its chain, or the wire.ErrorBody of the
// error, the way writeJSON writes them.
func referenceAnswer(t *testing.T, res geo.Resolver, lon, lat float64) answer {
	t.Helper()
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	status := http.StatusOK
	ch, err := res.Resolve(context.Background(), lon, lat)
	if err != nil {
		status = http.StatusNotFound
		err = enc.Encode(wire.ErrorBody{Error: detailOf(err)})
	} else {
		err = enc.Encode(wire.NewAnswer(lon, lat, ch))
	}
	if err != nil {
		t.Fatal(err)
	}
	return answer{status, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body.String()}
}

func sameAnswer(a, b answer) bool {
	return a.status == b.status && a.body == b.body && reflect.DeepEqual(a.header, b.header)
}

// checkFastRoad asks for query through the fast road alone, which must answer it, and
// compares the answer with the general road's and with encoding/json's output of the
// structures for the point (lon, lat in WGS84). It reports whether the point was found.
func checkFastRoad(t *testing.T, fast, general *Server, res geo.Resolver, query string, lon, lat float64) bool {
	t.Helper()
	f, ok := res.(chainFinder)
	if !ok {
		t.Fatalf("%T offers no Find", res)
	}
	var took bool
	got := record(func(w http.ResponseWriter, r *http.Request) {
		lon, lat, err := lookupPoint(r)
		took = err == nil && answerFound(w, lon, lat, f)
	}, query)
	if !took {
		t.Fatalf("%s: the fast road did not answer", query)
	}
	if via := record(fast.resolvePoint, query); !sameAnswer(got, via) {
		t.Fatalf("%s: resolvePoint answered\n%+v\nbut the fast road\n%+v", query, via, got)
	}
	want := record(general.resolvePoint, query)
	if !sameAnswer(got, want) {
		t.Fatalf("%s: the fast road answered\n%d %v %q\nthe general road\n%d %v %q",
			query, got.status, got.header, got.body, want.status, want.header, want.body)
	}
	if ref := referenceAnswer(t, res, lon, lat); !sameAnswer(got, ref) {
		t.Fatalf("%s: the fast road answered\n%d %v %q\nencoding/json writes\n%d %v %q",
			query, got.status, got.header, got.body, ref.status, ref.header, ref.body)
	}
	return got.status == http.StatusOK
}

// The fast road answers exactly what the general road (Resolve and encoding/json) answers,
// hits and misses, WGS84 and GCJ-02, at random points of 水城区 written in several ways.
func TestResolveFastMatchesEncodingJSON(t *testing.T) {
	c, live := sampleLive(t)
	fast, general := quietServer(live), quietServer(generalRoad{live})
	box := countyBox(c)
	rng := rand.New(rand.NewSource(5))
	crss := []string{"", "&crs=wgs84", "&crs=gcj02", "&crs=GCJ-02", "&crs=cgcs2000", "&crs=EPSG:4490", "&crs=Epsg:4326"}
	n := 6000
	if testing.Short() {
		n = 1500
	}
	var hits, misses, gcjHits, incomplete int
	for i := range n {
		w, h := box[2]-box[0], box[3]-box[1]
		lon := box[0] - 0.05*w + rng.Float64()*1.1*w
		lat := box[1] - 0.05*h + rng.Float64()*1.1*h
		var lonText, latText string
		switch i % 4 {
		case 0: // as the wrk script and most clients write them
			lonText, latText = strconv.FormatFloat(lon, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64)
		case 1: // every digit of a float64
			lonText, latText = strconv.FormatFloat(lon, 'g', -1, 64), strconv.FormatFloat(lat, 'g', -1, 64)
		case 2: // a few digits, an exponent
			lonText, latText = strconv.FormatFloat(lon, 'f', 2, 64), strconv.FormatFloat(lat*1000, 'f', 1, 64)+"e-3"
		case 3: // more digits than a float64 holds, trailing zeros
			lonText, latText = strconv.FormatFloat(lon, 'f', 9, 64), strconv.FormatFloat(lat, 'f', 4, 64)+"000"
		}
		crs := crss[rng.Intn(len(crss))]
		query := "lon=" + lonText + "&lat=" + latText + crs
		wLon, _ := strconv.ParseFloat(lonText, 64)
		wLat, _ := strconv.ParseFloat(latText, 64)
		gcj := strings.Contains(strings.ToLower(crs), "gcj")
		if gcj {
			wLon, wLat = geo.GCJ02ToWGS84(wLon, wLat)
		}
		if checkFastRoad(t, fast, general, live, query, wLon, wLat) {
			hits++
			if gcj {
				gcjHits++
			}
			if ch, _ := live.Find(wLon, wLat); !ch.Complete {
				incomplete++
			}
		} else {
			misses++
		}
	}
	t.Logf("%d points: %d found (%d given in GCJ-02, %d incomplete chains), %d outside", n, hits, gcjHits, incomplete, misses)
	if hits < n/3 || misses < n/10 || gcjHits == 0 {
		t.Fatalf("the points do not exercise every case: %d found, %d in GCJ-02, %d outside", hits, gcjHits, misses)
	}
}

// oddIndex is a made-up index whose names and people need every kind of JSON escaping,
// with an incomplete chain (a village part no grid covers) and a county around 0,0 where
// coordinates are written with exponents.
func oddIndex(t *testing.T) *index.Index {
	t.Helper()
	sq := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	units := []geo.Unit{
		{Code: "520204", Level: geo.County, Name: `县 "quoted" \ back<>&`, Geom: sq(105, 26, 106, 27)},
		{Code: "520204001", Level: geo.Town, ParentCode: "520204", Name: "tab\there\nnewline\u2028ls\u2029ps\x7f\x00", Geom: sq(105, 26, 106, 27)},
		{Code: "520204001001", Level: geo.Village, ParentCode: "520204001", Name: "bad utf-8 \xff\xfe end \xe6\xb0", Geom: sq(105, 26, 105.5, 27)},
		{Code: "520204001002", Level: geo.Village, ParentCode: "520204001", Name: "村 ✓ 𝄞", Geom: sq(105.5, 26, 106, 27)},
		{Code: "520204001001001", Level: geo.Grid, ParentCode: "520204001001", Name: "网格\x1f\u00e9", Geom: sq(105, 26, 105.5, 26.5)},
		{Code: "110101", Level: geo.County, Name: "zero", Geom: sq(-1, -1, 1, 1)},
		{Code: "110101001", Level: geo.Town, ParentCode: "110101", Name: "t", Geom: sq(-1, -1, 1, 1)},
		{Code: "110101001001", Level: geo.Village, ParentCode: "110101001", Name: "v", Geom: sq(-1, -1, 1, 1)},
		{Code: "110101001001001", Level: geo.Grid, ParentCode: "110101001001", Name: "g", Geom: sq(-1, -1, 1, 1)},
	}
	people := []geo.Responsibility{
		{PersonID: "1", Name: `a "b" \c`, Phone: "199\x01", Role: geo.CountySecretary, UnitCode: "520204"},
		{PersonID: "2", Name: "张三\u2028", Phone: "", Role: geo.TownDirector, UnitCode: "520204001"},
		{PersonID: "3", Name: "\xc3", Phone: "<script>", Role: geo.GridHead, UnitCode: "520204001001001"},
		{PersonID: "4", Name: "w", Phone: "&amp;", Role: geo.GridWorker, UnitCode: "520204001001001"},
	}
	ix, err := index.Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// The fast road escapes names and people exactly as encoding/json does, writes the
// message of an incomplete chain, and writes tiny and negative-zero coordinates as
// encoding/json does.
func TestResolveFastOddChains(t *testing.T) {
	ix := oddIndex(t)
	fast, general := quietServer(ix), quietServer(generalRoad{ix})
	queries := []struct {
		q        string
		lon, lat float64
	}{
		{"lon=105.25&lat=26.25", 105.25, 26.25},   // the grid: complete
		{"lon=105.25&lat=26.75", 105.25, 26.75},   // village 001 beyond its grid: incomplete
		{"lon=105.75&lat=26.5", 105.75, 26.5},     // village 002, no grid at all
		{"lon=105.5&lat=26.5", 105.5, 26.5},       // the corner the villages and the grid share
		{"lon=107&lat=26.5", 107, 26.5},           // outside
		{"lon=1e-7&lat=-3e-9", 1e-7, -3e-9},       // exponents in the point
		{"lon=-0&lat=0", math.Copysign(0, -1), 0}, // negative zero
		{"lon=0.000001&lat=-0.0000009999", 0.000001, -0.0000009999},
		{"lon=0.5&lat=1e-300", 0.5, 1e-300},
		{"lon=-180&lat=-90", -180, -90}, // outside, at the limits
		{"lon=2e-7&lat=89.99999999999999", 2e-7, 89.99999999999999},
		{"lon=170&lat=0.00001", 170, 0.00001}, // outside: %v writes 1e-05 where JSON writes 0.00001
		{"lon=0.00002&lat=-45", 0.00002, -45},
		{"lon=1e-7&lat=2", 1e-7, 2},
		{"lon=-0.0&lat=-0", math.Copysign(0, -1), math.Copysign(0, -1)},
	}
	for _, q := range queries {
		checkFastRoad(t, fast, general, ix, q.q, q.lon, q.lat)
	}
	// The cached tail is the one encoded afresh (by a new cache).
	for _, q := range queries[:4] {
		ch, _ := ix.Find(q.lon, q.lat)
		cached := lookupTails.AppendTail(nil, ch)
		if fresh := wire.NewChainCache(wire.LookupAnswer).AppendTail(nil, ch); !bytes.Equal(cached, fresh) {
			t.Fatalf("%s: cached %q, encoded %q", q.q, cached, fresh)
		}
	}
}

// Queries read without url.ParseQuery (plain) or through it, which the fast road answers
// or leaves to writeError (which words every error), all answered exactly as the general
// road does; a plain query reads as url.ParseQuery reads it.
func TestResolveFastQueryForms(t *testing.T) {
	_, live := sampleLive(t)
	fast, general := quietServer(live), quietServer(generalRoad{live})
	const in = "lon=105.0197&lat=26.9147"
	for _, c := range []struct {
		query string
		plain bool // plainQuery reads it
		fast  bool // the fast road answers it
	}{
		{in, true, true},
		{"lat=26.9147&lon=105.0197", true, true},
		{in + "&lon=1&lat=2", true, true},             // the first value counts
		{"&&" + in + "&", true, true},                 // empty pairs
		{"x=1&" + in + "&crs=&y", true, true},         // other parameters; an empty crs is WGS84
		{in + "&crs=WGS84", true, true},               // any case
		{in + "&crs=gcj-02&crs=nonsense", true, true}, // the first crs counts
		{"lon=105.0197&lat=26.9147&a&b&c&d&e", true, true},
		{"lon=105.0197&lat=26.9147&a&b&c&d&e&f&g&h", false, true}, // many parameters: url.ParseQuery
		{"lon=1e2&lat=0x1p-2", true, false},                       // decimal only: no hexadecimal floats
		{"lon=105.0197", true, false},                             // lat missing
		{"lat=26.9147", true, false},                              // lon missing
		{"lon=&lat=26.9", true, false},
		{"lon=abc&lat=26.9147", true, false},
		{"lon=105.0197&lat=NaN", true, false},
		{"lon=Inf&lat=26.9", true, false},
		{"lon=181&lat=26.9", true, false},
		{"lon=26.9&lat=105.0197", true, false}, // swapped
		{"lon=105.0197&lat=91", true, false},
		{"lon=%31%30%35.0197&lat=26.9147", false, true}, // escaped: url decodes it
		{"lon=+105.0197&lat=26.9147", false, false},     // a plus is a space to url
		{"lon=105.0197&lat=26.9147;x=1", false, false},  // a semicolon drops the pair
		{"lon=105.0197&lat=26.9147&crs=bd09", true, false},
		{"lon=105.0197&lat=26.9147&crs=\u212aa", true, false}, // non-ASCII: strings.ToLower decides
		{"lon=105.0197&lat=26.9147&crs=wgs84x", true, false},
		{"lon=105.0197&lat=26.9147&crs=epsg:43260", true, false},
		{"lon=1_05.0197&lat=26.9147", true, false}, // Go syntax is not decimal: refused
	} {
		req := httptest.NewRequest(http.MethodGet, "/v1/resolve", nil)
		req.URL.RawQuery = c.query
		rec := httptest.NewRecorder()
		lon, lat, err := lookupPoint(req)
		took := err == nil && answerFound(rec, lon, lat, live)
		if took != c.fast {
			t.Errorf("%s: the fast road answered: %v, want %v (%v)", c.query, took, c.fast, err)
		}
		if !took && (rec.Body.Len() > 0 || len(rec.Header()) > 0 || rec.Code != http.StatusOK) {
			t.Errorf("%s: the fast road declined but wrote %d %v %q", c.query, rec.Code, rec.Header(), rec.Body)
		}
		got := record(fast.resolvePoint, c.query)
		if want := record(general.resolvePoint, c.query); !sameAnswer(got, want) {
			t.Errorf("%s: answered\n%d %v %q\nthe general road\n%d %v %q", c.query,
				got.status, got.header, got.body, want.status, want.header, want.body)
		}
		lonText, latText, crsText, plain := plainQuery(c.query)
		if plain != c.plain {
			t.Errorf("%s: plainQuery read it: %v, want %v", c.query, plain, c.plain)
		}
		if q, err := url.ParseQuery(c.query); err == nil && plain {
			if lonText != q.Get("lon") || latText != q.Get("lat") || crsText != q.Get("crs") {
				t.Errorf("%s: plainQuery read %q %q %q, url.ParseQuery %q %q %q", c.query, lonText, latText, crsText,
					q.Get("lon"), q.Get("lat"), q.Get("crs"))
			}
		}
	}
}

// Over real HTTP, the answers — status line, every header but Date, body — are the
// general road's.
func TestResolveFastOverHTTP(t *testing.T) {
	c, live := sampleLive(t)
	fast := httptest.NewServer(quietServer(live))
	defer fast.Close()
	general := httptest.NewServer(quietServer(generalRoad{live}))
	defer general.Close()
	get := func(base, q string) (int, http.Header, []byte) {
		resp, err := http.Get(base + "/v1/resolve?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Header.Del("Date")
		return resp.StatusCode, resp.Header, body
	}
	qs := boxQueries(countyBox(c), 300, 9)
	qs = append(qs, "lon=105.0197&lat=26.9147&crs=gcj02", "lon=abc&lat=1")
	codes := map[int]int{}
	for _, q := range qs {
		s1, h1, b1 := get(fast.URL, q)
		s2, h2, b2 := get(general.URL, q)
		if s1 != s2 || !reflect.DeepEqual(h1, h2) || !bytes.Equal(b1, b2) {
			t.Fatalf("%s:\n%d %v %s\nthe general road:\n%d %v %s", q, s1, h1, b1, s2, h2, b2)
		}
		codes[s1]++
	}
	if codes[200] == 0 || codes[404] == 0 || codes[400] == 0 {
		t.Fatalf("statuses seen: %v", codes)
	}
}

// The fast road allocates nothing per request, for hits, misses and GCJ-02 input.
func TestResolveFastDoesNotAllocate(t *testing.T) {
	if raceEnabled() {
		t.Skip("the race detector drops pooled buffers on purpose")
	}
	c, live := sampleLive(t)
	s := quietServer(live)
	qs := boxQueries(countyBox(c), 512, 2)
	for i := range qs {
		if i%3 == 0 {
			qs[i] += "&crs=gcj02"
		}
	}
	reqs := make([]*http.Request, len(qs))
	for i, q := range qs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/v1/resolve?"+q, nil)
	}
	w := &reusedWriter{h: http.Header{}}
	codes := map[int]int{}
	allocs := testing.AllocsPerRun(20, func() {
		clear(codes)
		for _, r := range reqs {
			w.reset()
			s.resolvePoint(w, r)
			codes[w.status]++
		}
	})
	if allocs > 0 {
		t.Errorf("%v allocations per %d requests (%v)", allocs, len(reqs), codes)
	}
	if codes[200] == 0 || codes[404] == 0 || len(codes) != 2 {
		t.Errorf("statuses: %v: hits and misses must both be measured", codes)
	}
}

func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// Requests from many goroutines share the chain cache and the buffer pool and still get
// the general road's answers (run with -race to check the sharing).
func TestResolveFastConcurrent(t *testing.T) {
	c, live := sampleLive(t)
	fast, general := quietServer(live), quietServer(generalRoad{live})
	qs := boxQueries(countyBox(c), 400, 13)
	want := make([]answer, len(qs))
	for i, q := range qs {
		want[i] = record(general.resolvePoint, q)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 * len(qs) {
				i := (k*7 + g*31) % len(qs)
				if got := record(fast.resolvePoint, qs[i]); !sameAnswer(got, want[i]) {
					errs <- fmt.Sprintf("%s: %d %q, want %d %q", qs[i], got.status, got.body, want[i].status, want[i].body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// reusedWriter is a ResponseWriter that keeps its memory between requests, so that a
// benchmark counts the handler's allocations only.
type reusedWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (w *reusedWriter) Header() http.Header { return w.h }
func (w *reusedWriter) WriteHeader(s int)   { w.status = s }
func (w *reusedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body, p...)
	return len(p), nil
}
func (w *reusedWriter) reset() {
	clear(w.h)
	w.status, w.body = 0, w.body[:0]
}

// BenchmarkResolvePoint measures GET /v1/resolve over the live index at random points of the
// county's box (about 45% outside the data), with -benchmem:
//
//	server/recorder:  the whole router (timeout middleware included) into a new
//	                  httptest.ResponseRecorder per request
//	handler/recorder: the handler alone into a new ResponseRecorder
//	handler/reused:   the handler alone into a writer that keeps its memory: the handler's
//	                  own allocations
//	recorder/alone:   what a new ResponseRecorder costs by itself (to subtract)
//
// The general/... variants hide Find, so the handler takes the general road.
func BenchmarkResolvePoint(b *testing.B) {
	c, live := sampleLive(b)
	qs := boxQueries(countyBox(c), 1024, 1)
	reqs := make([]*http.Request, len(qs))
	for i, q := range qs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/v1/resolve?"+q, nil)
	}
	for _, road := range []struct {
		name string
		res  geo.Resolver
	}{{"", live}, {"general/", generalRoad{live}}} {
		s := quietServer(road.res)
		b.Run(road.name+"server/recorder", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s.ServeHTTP(httptest.NewRecorder(), reqs[i%len(reqs)])
			}
		})
		// The same with auth and limits on (a rate that never refuses), as serve runs: what
		// identify and limitRate add to an anonymous lookup.
		limited := New(Deps{Resolver: road.res, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Auth: noKeys{}, Limits: Limits{Anonymous: 1e9, Known: 1e9}})
		b.Run(road.name+"server/limits", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				limited.ServeHTTP(httptest.NewRecorder(), reqs[i%len(reqs)])
			}
		})
		b.Run(road.name+"handler/recorder", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s.resolvePoint(httptest.NewRecorder(), reqs[i%len(reqs)])
			}
		})
		b.Run(road.name+"handler/reused", func(b *testing.B) {
			w := &reusedWriter{h: http.Header{}}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				w.reset()
				s.resolvePoint(w, reqs[i%len(reqs)])
			}
		})
	}
	b.Run("recorder/alone", func(b *testing.B) {
		b.ReportAllocs()
		body := []byte(`{"point":{"lon":1,"lat":2}}` + "\n")
		for i := 0; i < b.N; i++ {
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/json; charset=utf-8")
			rec.WriteHeader(http.StatusOK)
			rec.Write(body)
		}
	})
}

// noKeys is an Identifier that knows no credentials.
type noKeys struct{}

func (noKeys) Identify(ctx context.Context, token string) (*access.Identity, error) {
	if token == "" {
		return access.Anonymous, nil
	}
	return nil, geo.Errorf(geo.Unauthenticated, "unknown token")
}
