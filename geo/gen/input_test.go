package gen

import (
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

func TestReadDivisionsCSV(t *testing.T) {
	cases := []struct {
		name, csv string
		rows      int
		bad       string // part of the error, "" for none
	}{
		{"good, CRLF", "code,name,level,parent_code\r\n520204,水城区,county,\r\n520204001,尖山街道,town,520204\r\n", 2, ""},
		{"BOM", "\ufeffcode,name,level,parent_code\n520204,水城区,county,\n", 1, ""},
		{"bad header", "code,name,parent_code\n", 0, "header"},
		{"bad level", "code,name,level,parent_code\n520204001,x,township,520204\n", 0, "line 2"},
		{"wrong parent", "code,name,level,parent_code\n520204001,x,town,520205\n", 0, "does not extend"},
		{"short code", "code,name,level,parent_code\n52020400,x,town,520204\n", 0, "digits"},
		{"empty name", "code,name,level,parent_code\n520204001,,town,520204\n", 0, "empty name"},
		{"empty", "", 0, "empty"},
	}
	for _, c := range cases {
		divs, err := ReadDivisionsCSV(strings.NewReader(c.csv))
		switch {
		case c.bad == "" && (err != nil || len(divs) != c.rows):
			t.Errorf("%s: %d rows, %v", c.name, len(divs), err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad) || geo.KindOf(err) != geo.Invalid):
			t.Errorf("%s: error %v, want one about %q", c.name, err, c.bad)
		}
	}
}

func TestReadOutline(t *testing.T) {
	square := `[[[105,26],[105.5,26],[105.5,26.5],[105,26.5],[105,26]]]`
	cases := []struct {
		name, json string
		bad        string
	}{
		{"collection", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"520204","name":"水城区"},"geometry":{"type":"Polygon","coordinates":` + square + `}}]}`, ""},
		{"feature", `{"type":"Feature","properties":{"code":"520204","name":"水城区"},"geometry":{"type":"MultiPolygon","coordinates":[` + square + `]}}`, ""},
		{"two features", `{"type":"FeatureCollection","features":[{"type":"Feature"},{"type":"Feature"}]}`, "one feature"},
		{"a point", `{"type":"Feature","properties":{"code":"520204","name":"x"},"geometry":{"type":"Point","coordinates":[105,26]}}`, "Polygon or MultiPolygon"},
		{"no code", `{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":` + square + `}}`, "code"},
		{"projected", `{"type":"Feature","properties":{"code":"520204","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[500000,2900000],[500100,2900000],[500100,2900100],[500000,2900000]]]}}`, "longitude"},
		{"not json", `{"type":`, "not GeoJSON"},
	}
	for _, c := range cases {
		code, name, mp, err := ReadOutline(strings.NewReader(c.json))
		switch {
		case c.bad == "" && (err != nil || code != "520204" || name != "水城区" || len(mp) != 1 || len(mp[0][0]) != 5):
			t.Errorf("%s: %s %s %v, %v", c.name, code, name, mp, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%s: error %v, want one about %q", c.name, err, c.bad)
		}
	}
}

func TestBadOptions(t *testing.T) {
	code, name, mp, divs := loadSample(t, "520204")
	townless := []Division{{"520204", "水城区", "county", ""}}
	villageless := append(townless, Division{"520204001", "尖山街道", "town", "520204"})
	cases := []struct {
		name  string
		opt   Options
		divs  []Division
		field string // part of the error
	}{
		{"too many grids", Options{GridsPerVillage: 1000}, divs, "grids-per-village"},
		{"negative grids", Options{GridsPerVillage: -3}, divs, "grids-per-village"},
		{"negative households", Options{Households: -1}, divs, "households"},
		{"pixel not a power of two", Options{PixelDeg: 0.001}, divs, "pixel"},
		{"pixel too fine", Options{PixelDeg: 1.0 / (1 << 20)}, divs, "pixel"},
		{"no towns", Options{}, townless, "no towns"},
		{"a town without villages", Options{}, villageless, "no villages"},
	}
	for _, c := range cases {
		_, err := Generate(code, name, mp, c.divs, c.opt)
		if err == nil || geo.KindOf(err) != geo.Invalid || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want an Invalid one about %q", c.name, err, c.field)
		}
	}
	// An outline of a few pixels cannot hold 189 villages.
	tiny := orb.MultiPolygon{{{{105, 26}, {105.02, 26}, {105.02, 26.02}, {105, 26.02}, {105, 26}}}}
	if _, err := Generate(code, name, tiny, divs, Options{PixelDeg: 1.0 / 256}); err == nil || !strings.Contains(err.Error(), "finer pixel") {
		t.Errorf("tiny outline: error %v, want one asking for a finer pixel", err)
	}
}

// TestAutoPixel: the pixel halves until grids average MinPixelsPerGrid pixels.
func TestAutoPixel(t *testing.T) {
	code, name, mp, divs := loadSample(t, "520204")
	for _, c := range []struct {
		grids float64
		want  float64
	}{{12, 1.0 / 2048}, {100, 1.0 / 2048}, {200, 1.0 / 4096}, {529.1, 1.0 / 8192}} {
		b := newBuilder(code, name, Options{GridsPerVillage: c.grids})
		if err := b.divisions(divs); err != nil {
			t.Fatal(err)
		}
		b.countGrids()
		b.choosePixel(mp)
		if b.out.PixelDeg != c.want {
			t.Errorf("%g grids a village: pixel 1/%g, want 1/%g", c.grids, 1/b.out.PixelDeg, 1/c.want)
		}
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"发耳镇": "发耳", "尖山街道": "尖山", "龙场苗族白族彝族乡": "龙场", "坪寨彝族乡": "坪寨",
		"顺场苗族彝族布依族乡": "顺场", "果布戛彝族苗族布依族乡": "果布戛", "城关街道": "城关",
	} {
		if got := shortTown(in); got != want {
			t.Errorf("shortTown(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"茨冲村村民委员会": "茨冲村", "尖山社区居民委员会": "尖山社区", "新庙村委会": "新庙村", "城关社区居委会": "城关社区",
	} {
		if got := shortVillage(in); got != want {
			t.Errorf("shortVillage(%s) = %s, want %s", in, got, want)
		}
	}
}
