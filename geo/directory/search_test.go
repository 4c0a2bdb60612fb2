package directory

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
)

func TestSearchRanksCodesThenNames(t *testing.T) {
	v := New(fixture()).View()
	cases := []struct {
		q      string
		limit  int
		want   []string // code:match
		levels []geo.Level
	}{
		{"520204103200", 10, []string{"520204103200:code", "520204103200001:code_prefix", "520204103200002:code_prefix"}, nil},
		{"520204103", 3, []string{"520204103:code", "520204103200:code_prefix", "520204103201:code_prefix"}, nil},
		{"52020410320", 10, []string{"520204103200:code_prefix", "520204103201:code_prefix",
			"520204103200001:code_prefix", "520204103200002:code_prefix", "520204103201001:code_prefix"}, nil},
		// Name prefixes before names that contain the query; larger units first.
		{"坪地村", 10, []string{"520204103200:name_prefix", "520204103200001:name_prefix", "520204103200002:name_prefix"}, nil},
		{"网格", 10, []string{"520204103200001:name", "520204103200002:name", "520204103201001:name"}, nil},
		{"鸡场", 10, []string{"520204103:name_prefix", "520204103201:name_prefix", "520204103201001:name_prefix"}, nil},
		{"第2网格", 10, []string{"520204103200002:name"}, nil},
		// Pinyin initials, any case: 坪地村 → pdc, 鸡场镇 → jcz.
		{"PDC", 10, []string{"520204103200:name_prefix", "520204103200001:name_prefix", "520204103200002:name_prefix"}, nil},
		{"cz", 10, []string{"520204103:name"}, nil},
		{" 水城 ", 10, []string{"520204:name_prefix"}, nil},
		{"9", 10, nil, nil},
		{"北京", 10, nil, nil},
		{"网格", 2, []string{"520204103200001:name", "520204103200002:name"}, nil},
		// Only the levels asked for: the village alone, not its grids; grids only, by code.
		{"坪地村", 10, []string{"520204103200:name_prefix"}, []geo.Level{geo.Village}},
		{"鸡场", 10, []string{"520204103201:name_prefix"}, []geo.Level{geo.Village}},
		{"520204103", 2, []string{"520204103200001:code_prefix", "520204103200002:code_prefix"}, []geo.Level{geo.Grid}},
		{"520204103", 10, []string{"520204103:code", "520204103200001:code_prefix", "520204103200002:code_prefix",
			"520204103201001:code_prefix"}, []geo.Level{geo.Town, geo.Grid}},
		{"网格", 10, nil, []geo.Level{geo.County}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d/%v", tc.q, tc.limit, tc.levels), func(t *testing.T) {
			var got []string
			for _, h := range v.Search(tc.q, tc.limit, tc.levels...) {
				got = append(got, h.Entry.Code+":"+h.Match.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q, %d) = %v; want %v", tc.q, tc.limit, got, tc.want)
			}
		})
	}
}

func TestCheckQuery(t *testing.T) {
	for q, bad := range map[string]bool{"坪地": false, "  ": true, "": true, "a\x00b": true, string(make([]rune, 65)): true, "\xff": true} {
		if got := CheckQuery(q) != ""; got != bad {
			t.Errorf("CheckQuery(%q) refuses: %v; want %v", q, got, bad)
		}
	}
}

// sampleView is the generated 水城区 (seed 1, 20,000 households) as a directory view.
var sampleView = sync.OnceValues(func() (*View, error) {
	c, err := genfiles.Generate("../../data/sample/520204-county.geojson", "../../data/sample/520204-divisions.csv",
		gen.Options{Seed: 1, Households: 20000})
	if err != nil {
		return nil, err
	}
	tenhh := make([]geo.TenHHUnit, len(c.TenHH))
	for i, t := range c.TenHH {
		tenhh[i] = geo.TenHHUnit{TenHH: t}
	}
	return New(Input{Units: c.Units, People: c.People, TenHH: tenhh, Households: c.Households}).View(), nil
})

// searchQueries are what people type: a code, part of a code, a village's name and part of
// it, one common character (the worst case: thousands of names hold it), pinyin initials.
var searchQueries = []string{"520204103200", "5202041", "坪地村村民委员会", "坪地", "村", "网格", "pdc", "scq", "jcz"}

func TestSearchTheSample(t *testing.T) {
	v, err := sampleView()
	if err != nil {
		t.Fatal(err)
	}
	hits := v.Search("坪地村", 10)
	if len(hits) == 0 || hits[0].Entry.Code != "520204103200" {
		t.Fatalf("the first hit for 坪地村 is not the village 520204103200: %v", hits)
	}
	if g := hits[0].Entry.Stats; g.Grids == 0 || g.Households == 0 || g.AreaKm2 <= 0 {
		t.Errorf("the village's statistics are empty: %+v", g)
	}
	if n := len(v.Search("村", 50)); n != 50 {
		t.Errorf("村 gives %d hits; want the limit, 50", n)
	}
}

// BenchmarkSearch runs each of searchQueries in turn on the sample and reports the median
// and 99th percentile time per query (the README's figures; target ≤ 1 ms p50), then each
// query on its own.
func BenchmarkSearch(b *testing.B) {
	v, err := sampleView()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("mix", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			start := time.Now()
			v.Search(searchQueries[i%len(searchQueries)], 10)
			times = append(times, time.Since(start))
		}
		b.StopTimer()
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
	})
	for _, q := range searchQueries {
		b.Run(q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				v.Search(q, 10)
			}
		})
	}
}
