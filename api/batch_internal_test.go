package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/wire"
)

// These tests hold the batch endpoints' answers to what encoding/json wrote, on inputs
// chosen to hit their corners (package wire holds its readers and writers to encoding/json,
// encoding/csv and strconv). They need no database: the resolver is a fake.

// The reference: the line encoding/json wrote for a point before the endpoint encoded by hand.
type refResult struct {
	I        int               `json:"i"`
	ID       any               `json:"id,omitempty"`
	Grid     string            `json:"grid,omitempty"`
	Chain    []string          `json:"chain,omitempty"`
	Complete bool              `json:"complete"`
	Error    *wire.ErrorDetail `json:"error,omitempty"`
}

func refEncode(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.String()
}

// fakeResolver answers from a table of shared chains by the point's longitude, like the
// index does (the same chain value for every point of a unit), plus a fresh chain, an
// incomplete chain and errors of every kind.
type fakeResolver struct {
	shared []geo.Chain
	cancel func() // called when a point with lon 99 is resolved
}

func newFakeResolver() *fakeResolver {
	f := &fakeResolver{}
	for i := range 5 {
		code := fmt.Sprintf("520204%03d", i)
		f.shared = append(f.shared, geo.Chain{Complete: true, Links: []geo.Link{
			{Level: geo.County, Code: "520204"}, {Level: geo.Town, Code: code},
			{Level: geo.Village, Code: code + "200"}, {Level: geo.Grid, Code: code + "200002"}}})
	}
	return f
}

func (f *fakeResolver) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	switch {
	case lon == 98:
		panic("a resolver bug")
	case lon == 99 && f.cancel != nil:
		f.cancel()
		return geo.Chain{}, ctx.Err()
	case lon >= 0 && lon < 5:
		return f.shared[int(lon)], nil
	case lon == 5:
		return geo.Chain{Complete: true, Links: []geo.Link{{Level: geo.County, Code: "52\"02\\04"}, {Level: geo.Grid, Code: fmt.Sprint(lat)}}}, nil
	case lon == 6:
		return geo.Chain{Missing: "grid", Links: []geo.Link{{Level: geo.County, Code: "520204"}, {Level: geo.Village, Code: "520204001200"}}}, nil
	case lon == 7:
		return geo.Chain{}, fmt.Errorf("wrapped: %w", geo.Errorf(geo.Unavailable, "database error: <gone>"))
	case lon == 8:
		return geo.Chain{}, errors.New("a bug")
	}
	return geo.Chain{}, geo.Errorf(geo.NotFound, "no unit covers the point lon=%v lat=%v: it lies outside the data", lon, lat)
}

// refLine is what encoding/json wrote for point i with the given id and resolver answer.
func refLine(res geo.Resolver, i int, id any, lon, lat float64, readErr error) string {
	r := refResult{I: i, ID: id}
	err := readErr
	if err == nil {
		err = geo.CheckDegrees(lon, lat)
	}
	if err == nil {
		var chain geo.Chain
		if chain, err = res.Resolve(context.Background(), lon, lat); err == nil {
			r.Chain = make([]string, len(chain.Links))
			for k, l := range chain.Links {
				r.Chain[k] = l.Code
			}
			r.Complete = chain.Complete
			if chain.Complete {
				r.Grid = r.Chain[len(r.Chain)-1]
			}
		}
	}
	if err != nil {
		d := detailOf(err)
		r.Error = &d
	}
	return refEncode(r)
}

func postBatchTo(t *testing.T, res geo.Resolver, contentType string, body io.Reader) string {
	t.Helper()
	s := New(Deps{Resolver: res})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/resolve", contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Every line is byte for byte what encoding/json wrote, for every kind of answer and id,
// through CSV, JSON, NDJSON and GeoJSON, across many blocks.
func TestBatchLinesAreWhatEncodingJSONWrote(t *testing.T) {
	res := newFakeResolver()
	rng := rand.New(rand.NewSource(4))
	ids := []any{"a", "", `q"<&>`, "中文", "tab\there", float64(17), float64(-3), float64(123456789012345), 1.5, true, nil,
		map[string]any{"k": []any{float64(1), "x"}}}
	type pt struct {
		id       any
		lon, lat float64
	}
	var pts []pt
	for i := range 5000 {
		p := pt{id: ids[rng.Intn(len(ids))], lon: float64(rng.Intn(10)), lat: float64(rng.Intn(90))}
		switch i % 97 {
		case 3:
			p.lon = 200 // out of range
		case 5:
			p.lon, p.lat = 26.5, 104.8 // swapped
		case 7:
			p.lon, p.lat = 104.123456789, 26.5 // outside the data: the message carries the numbers
		}
		pts = append(pts, p)
	}

	// JSON and NDJSON: ids of every kind; encoding/json decodes them, then writes them back.
	var want strings.Builder
	var arr, nd, features []string
	for i, p := range pts {
		want.WriteString(refLine(res, i, p.id, p.lon, p.lat, nil))
		obj := map[string]any{"lon": p.lon, "lat": p.lat}
		if p.id != nil {
			obj["id"] = p.id
		}
		enc := strings.TrimSpace(refEncode(obj))
		switch i % 3 {
		case 0:
			enc = fmt.Sprintf(`{"lon":%v, "lat": %v %s}`, p.lon, p.lat, idMember(p.id))
		case 1:
			enc = fmt.Sprintf(`{ %s "lat":%v,"lon":%v}`, strings.TrimPrefix(idMember(p.id)+",", ","), p.lat, p.lon)
		}
		if p.id == nil && i%5 == 0 {
			enc = fmt.Sprintf("[%v, %v]", p.lon, p.lat)
		}
		arr, nd = append(arr, enc), append(nd, enc)
		f := map[string]any{"type": "Feature", "properties": map[string]any{"name": "x"},
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{p.lon, p.lat}}}
		if p.id != nil {
			f["id"] = p.id
		}
		features = append(features, strings.TrimSpace(refEncode(f)))
	}
	check := func(name, got string) {
		t.Helper()
		if got != want.String() {
			g, w := strings.Split(got, "\n"), strings.Split(want.String(), "\n")
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Fatalf("%s, line %d:\n got  %s\n want %s", name, i, g[i], w[i])
				}
			}
			t.Fatalf("%s: %d lines, want %d", name, len(g), len(w))
		}
	}
	check("json", postBatchTo(t, res, "application/json", strings.NewReader("[\n"+strings.Join(arr, ",\n")+"\n]")))
	check("ndjson", postBatchTo(t, res, "application/x-ndjson", strings.NewReader(strings.Join(nd, "\r\n")+"\n\n")))
	check("geojson", postBatchTo(t, res, "application/geo+json", iotest.HalfReader(strings.NewReader(
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"x"}},"features":[`+strings.Join(features, ",")+"]}"))))

	// CSV: ids are text.
	want.Reset()
	var rows []string
	for i, p := range pts {
		id := fmt.Sprint(p.id)
		want.WriteString(refLine(res, i, id, p.lon, p.lat, nil))
		if strings.ContainsAny(id, "\",\n") || i%11 == 0 {
			id = `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
		}
		rows = append(rows, fmt.Sprintf("%s,%v,%v", id, p.lon, p.lat))
	}
	check("csv", postBatchTo(t, res, "text/csv", iotest.OneByteReader(strings.NewReader("ID, Lon ,LAT\n"+strings.Join(rows, "\n")))))
}

func idMember(id any) string {
	if id == nil {
		return ""
	}
	return `, "id": ` + strings.TrimSpace(refEncode(id))
}

// Bad CSV rows get their error in their place, naming the field, and the batch goes on.
func TestBatchCSVBadRows(t *testing.T) {
	res := newFakeResolver()
	body := "\ufeffid,lon,lat\n" +
		"a,1,2\n" + // 0 fine
		"b,abc,2\n" + // 1 not a number
		"c,,2\n" + // 2 missing lon
		"d,1, \n" + // 3 missing lat
		"e,1\n" + // 4 wrong number of fields
		"f\"x,1,2\n" + // 5 bare quote
		"g,NaN,2\n" + // 6 NaN: not a decimal number
		"h,1e0,2.5e0\n" + // 7 exponents are numbers
		"i, 3 ,\t4\t\n" // 8 spaces around
	lines := strings.Split(strings.TrimSpace(postBatchTo(t, res, "text/csv", strings.NewReader(body))), "\n")
	want := []struct{ field, says string }{
		{"", ""}, {"lon", `"abc" is not a number of degrees`}, {"lon", "missing"}, {"lat", "missing"},
		{"line", "record on line 6: wrong number of fields"}, {"line", `parse error on line 7, column 2: bare " in non-quoted-field`},
		{"lon", `"NaN" is not a number of degrees`}, {"", ""}, {"", ""},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d rows:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		var l struct {
			I     int
			ID    string
			Grid  string
			Error *wire.ErrorDetail
		}
		if err := json.Unmarshal([]byte(lines[i]), &l); err != nil {
			t.Fatal(err)
		}
		if w.field == "" {
			if l.Error != nil || l.Grid == "" {
				t.Fatalf("row %d: %s", i, lines[i])
			}
			continue
		}
		if l.I != i || l.Error == nil || l.Error.Status != 400 || l.Error.Field != w.field || !strings.Contains(l.Error.Message, w.says) {
			t.Fatalf("row %d: %s; want field %s saying %q", i, lines[i], w.field, w.says)
		}
	}
}

// A body that ends in the middle or is not what its type says ends the batch with a last
// error line that names the point where reading stopped; the points before it are answered.
func TestBatchBrokenInput(t *testing.T) {
	res := newFakeResolver()
	cases := []struct {
		name, ct, body string
		lines          int
		says           string
	}{
		{"json truncated", "application/json", `[[1,2],[3,4]`, 2, "reading point 2: unexpected EOF"},
		{"json missing comma", "application/json", `[[1,2] [3,4]]`, 1, "reading point 1: invalid character '[' after array element"},
		{"json bad value", "application/json", `[[1,2],[3,4}]`, 1, "reading point 1:"},
		{"json not an array", "application/json", `{"lon":1}`, 0, "a JSON batch is an array of points"},
		{"geojson not a collection", "application/geo+json", `[1]`, 0, "a GeoJSON batch is a FeatureCollection"},
		{"geojson features not an array", "application/geo+json", `{"features":{}}`, 0, "features must be an array"},
		{"geojson bad feature", "application/geo+json", `{"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},{"geometry":5}]}`, 1, "reading point 1: json: cannot unmarshal"},
		{"csv without header", "text/csv", ``, 0, "a CSV batch starts with a header naming lon and lat"},
		{"csv header without lat", "text/csv", "lon,y\n1,2\n", 0, "the CSV header must name lon and lat columns"},
		{"ndjson line too long", "application/x-ndjson", "[1,2]\n" + strings.Repeat(" ", 2<<20) + "[1,2]\n", 1, "token too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSpace(postBatchTo(t, res, tc.ct, strings.NewReader(tc.body))), "\n")
			last := lines[len(lines)-1]
			if len(lines) != tc.lines+1 || !strings.HasPrefix(last, `{"error":`) || !strings.Contains(last, tc.says) {
				t.Fatalf("got %d lines, last %s; want %d points answered and an error saying %q", len(lines), last, tc.lines, tc.says)
			}
		})
	}
	// An empty array and an empty collection are empty answers.
	for ct, body := range map[string]string{"application/json": " [ ] ", "application/geo+json": `{"features":[]}`} {
		if out := postBatchTo(t, res, ct, strings.NewReader(body)); out != "" {
			t.Fatalf("%s %s: %q", ct, body, out)
		}
	}
}

// A slow client gets the answer to what it has sent before it sends the rest.
func TestBatchAnswersAsItGoes(t *testing.T) {
	res := newFakeResolver()
	srv := httptest.NewServer(New(Deps{Resolver: res}))
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, "lon,lat\n1,2\n")
	}()
	resp, err := http.Post(srv.URL+"/v1/resolve", "text/csv", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	n, err := resp.Body.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), `{"i":0,"grid":"520204001200002"`) {
		t.Fatalf("first answer: %q %v", buf[:n], err)
	}
	pw.Close()
}

// A request cancelled while its batch runs stops the batch with a last error line.
func TestBatchStopsWhenCancelled(t *testing.T) {
	res := newFakeResolver()
	var rows []string
	for i := range 5000 {
		lon := i % 5
		if i == 3000 {
			lon = 99
		}
		rows = append(rows, fmt.Sprintf("%d,1", lon))
	}
	ctx, cancel := context.WithCancel(context.Background())
	res.cancel = cancel
	req := httptest.NewRequestWithContext(ctx, "POST", "/v1/resolve", strings.NewReader("lon,lat\n"+strings.Join(rows, "\n")))
	req.Header.Set("Content-Type", "text/csv")
	rec := httptest.NewRecorder()
	New(Deps{Resolver: res}).ServeHTTP(rec, req)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if len(lines) != 3001 || lines[2999][:10] != `{"i":2999,` || lines[3000] != `{"error":{"status":400,"code":"invalid","message":"reading point 3000: context canceled"}}` {
		t.Fatalf("%d lines, ending %v", len(lines), lines[max(0, len(lines)-2):])
	}
}

// A batch that ends before its body does (a bad CSV header) leaves net/http nothing to
// trip on: in full duplex, a body left unread made the server read the connection from two
// goroutines and panic (golang/go#68560).
func TestBatchEndingEarlyLeavesTheServerWell(t *testing.T) {
	var logged bytes.Buffer
	srv := httptest.NewUnstartedServer(New(Deps{Resolver: newFakeResolver()}))
	srv.Config.ErrorLog = log.New(&logged, "", 0)
	srv.Start()
	for range 3 {
		body := "x,y\n" + strings.Repeat("1,2\n", 25000) // 100 KB the handler never reads
		resp, err := http.Post(srv.URL+"/v1/resolve", "text/csv", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(out), "the CSV header must name lon and lat columns") {
			t.Fatalf("got %s", out)
		}
	}
	srv.Close()
	if logged.Len() > 0 {
		t.Fatalf("the server logged:\n%s", logged.String())
	}
}

// fakeHouseholds knows the households whose id starts with "h".
type fakeHouseholds struct{}

func (fakeHouseholds) HouseholdChain(ctx context.Context, id string) (geo.HouseholdChain, error) {
	if !strings.HasPrefix(id, "h") {
		return geo.HouseholdChain{}, geo.Errorf(geo.NotFound, "no household has id %q", id)
	}
	return geo.HouseholdChain{Household: geo.HouseholdInfo{ID: id, Address: "<" + id + ">"}}, nil
}

// Household ids in bulk come back in input order, looked up several at a time, with
// unknown ids inline; a JSON id that is not a string ends the stream.
func TestHouseholdChainsOrderAndErrors(t *testing.T) {
	srv := httptest.NewServer(New(Deps{Households: fakeHouseholds{}, Auth: testIdentities{"admin": testAdmin}}))
	defer srv.Close()
	var ids []string
	var want strings.Builder
	for i := range 500 {
		id := fmt.Sprintf("h%d", i)
		if i%7 == 0 {
			id = fmt.Sprintf("x%d", i)
		}
		ids = append(ids, id)
		res := householdResult{I: i, ID: id}
		if hc, err := (fakeHouseholds{}).HouseholdChain(context.Background(), id); err != nil {
			d := detailOf(err)
			res.Error = &d
		} else {
			res.Chain = &hc
		}
		want.WriteString(refEncode(res))
	}
	asJSON, _ := json.Marshal(ids)
	for ct, body := range map[string]io.Reader{
		"text/plain":       iotest.HalfReader(strings.NewReader(" " + strings.Join(ids, "\r\n\n") + "\n")),
		"application/json": iotest.OneByteReader(strings.NewReader(string(asJSON))),
	} {
		resp, err := postAs(srv.URL+"/v1/households/chains", "admin", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != want.String() {
			t.Fatalf("%s: got\n%.2000s\nwant\n%.2000s", ct, got, want.String())
		}
	}
	resp, err := postAs(srv.URL+"/v1/households/chains", "admin", "application/json", strings.NewReader(`["h1", 2, "h3"]`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "reading id 1: household ids are strings: json: cannot unmarshal number") {
		t.Fatalf("got %s", got)
	}
}

// A resolver that panics in the middle of a batch stops the batch with a last error line
// (and a log line), as a panicking request is answered with a 500; the server lives on.
func TestBatchSurvivesAPanickingResolver(t *testing.T) {
	var logged bytes.Buffer
	srv := httptest.NewServer(New(Deps{Resolver: newFakeResolver(), Log: slog.New(slog.NewTextHandler(&logged, nil))}))
	defer srv.Close()
	rows := strings.Repeat("1,2\n", 3000) + "98,2\n" + strings.Repeat("1,2\n", 3000)
	resp, err := http.Post(srv.URL+"/v1/resolve", "text/csv", strings.NewReader("lon,lat\n"+rows))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := lines[len(lines)-1]
	// The block that panicked is dropped whole: the answer stops at or before the point.
	n := len(lines) - 1
	if n > 3000 || last != fmt.Sprintf(`{"error":{"status":400,"code":"invalid","message":"reading point %d: internal error"}}`, n) {
		t.Fatalf("%d lines, last %s", len(lines), last)
	}
	if !strings.Contains(logged.String(), "a resolver bug") {
		t.Fatalf("not logged: %q", logged.String())
	}
	resp, err = http.Post(srv.URL+"/v1/resolve", "text/csv", strings.NewReader("lon,lat\n1,2\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(out), `{"i":0,"grid"`) {
		t.Fatalf("after the panic: %s", out)
	}
}
