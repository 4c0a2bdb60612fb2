package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCheckLonLat(t *testing.T) {
	cases := []struct {
		p    orb.Point
		want string // substring; "" for valid
	}{
		{orb.Point{105.1, 26.5}, ""},
		{orb.Point{73, 3}, ""},
		{orb.Point{136, 54}, ""},
		{orb.Point{26.5, 105.1}, "coordinates look swapped (lat,lon): GeoJSON and CSV take lon first"},
		{orb.Point{2.35, 48.85}, "outside China"},
		{orb.Point{-105.1, 26.5}, "outside China"},
		{orb.Point{500000, 2900000}, "not longitude/latitude degrees"},
		{orb.Point{math.NaN(), 26.5}, "not finite"},
		{orb.Point{105.1, math.Inf(1)}, "not finite"},
	}
	for _, c := range cases {
		got := CheckLonLat(c.p)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("CheckLonLat(%v) = %q, want %q", c.p, got, c.want)
		}
	}
}

func square(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
}

func TestCheckPolygonal(t *testing.T) {
	ok := square(105, 26, 0.1)
	cases := []struct {
		name string
		g    orb.Geometry
		want []string // substrings, one per expected message
	}{
		{"valid polygon", orb.Polygon{ok}, nil},
		{"valid multipolygon with a hole", orb.MultiPolygon{{ok, square(105.02, 26.02, 0.01)}, {square(106, 26, 0.1)}}, nil},
		{"unclosed", orb.Polygon{ok[:4]}, []string{"outer ring is not closed"}},
		{"too few points", orb.Polygon{{{105, 26}, {105.1, 26}, {105, 26}}}, []string{"outer ring has 3 points"}},
		{"bad hole in second polygon", orb.MultiPolygon{{ok}, {ok, square(105.02, 26.02, 0.01)[:3]}},
			[]string{"polygon 2: hole 1 has 3 points"}},
		{"swapped, one message", orb.Polygon{square(26, 105, 0.1)}, []string{"swapped (lat,lon)", "(and 4 more points)"}},
		{"no polygons", orb.MultiPolygon{}, []string{"has no polygons"}},
		{"a line", orb.LineString{{105, 26}, {105.1, 26}}, []string{"expected a Polygon or MultiPolygon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CheckPolygonal(c.g)
			if len(c.want) == 0 && len(got) != 0 {
				t.Fatalf("got %q, want no problems", got)
			}
			joined := strings.Join(got, "\n")
			for _, w := range c.want {
				if !strings.Contains(joined, w) {
					t.Errorf("problems %q do not say %q", got, w)
				}
			}
		})
	}
}

func TestCheckLinear(t *testing.T) {
	if got := CheckLinear(orb.LineString{{105, 26}, {105.1, 26}}); len(got) != 0 {
		t.Errorf("valid line: %q", got)
	}
	if got := CheckLinear(orb.MultiLineString{{{105, 26}, {105.1, 26}}, {{105, 26}}}); len(got) != 1 || !strings.Contains(got[0], "line 2 has 1 point") {
		t.Errorf("one-point line: %q", got)
	}
}

// problemsSay fails unless ps has exactly one problem per want, each mentioning its field
// and message substring ("field: message").
func problemsSay(t *testing.T, ps []Problem, want ...string) {
	t.Helper()
	var got []string
	for _, p := range ps {
		got = append(got, p.Field+": "+p.Message)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %q, want %d: %q", len(got), got, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("problem %d is %q, want it to say %q", i, got[i], w)
		}
	}
}

func TestCheckUnit(t *testing.T) {
	geom := orb.MultiPolygon{{square(105, 26, 0.1)}}
	cases := []struct {
		name string
		u    Unit
		want []string
	}{
		{"county", Unit{Code: "520204", Name: "水城区", Level: County, Geom: geom}, nil},
		{"division without geometry", Unit{Code: "520204101", Name: "镇", Level: Town, ParentCode: "520204"}, nil},
		{"grid under a group", Unit{Code: "520204101001003001", Name: "网格", Level: Grid, ParentCode: "520204101001003"}, nil},
		{"empty name", Unit{Code: "520204", Name: " ", Level: County}, []string{"name: is empty"}},
		{"empty code", Unit{Name: "x", Level: County}, []string{"code: is empty"}},
		{"unknown level", Unit{Code: "520204", Name: "x", Level: "province"}, []string{`level: unknown level "province"`}},
		{"code/level mismatch", Unit{Code: "520204101", Name: "x", Level: County}, []string{"code: code \"520204101\" has 9 digits, but a county code has 6"}},
		{"letters", Unit{Code: "52020A", Name: "x", Level: County}, []string{"only digits"}},
		{"parent not a prefix", Unit{Code: "520204101", Name: "x", Level: Town, ParentCode: "520205"}, []string{"parent_code: code \"520204101\" does not extend"}},
		{"town without parent", Unit{Code: "520204101", Name: "x", Level: Town}, []string{"parent_code: code \"520204101\": a town needs a parent_code"}},
		{"county with parent", Unit{Code: "520204", Name: "x", Level: County, ParentCode: "520"}, []string{"parent_code: code \"520204\": a county has no parent"}},
		{"bad geometry", Unit{Code: "520204", Name: "x", Level: County, Geom: orb.MultiPolygon{{square(26, 105, 0.1)}}}, []string{"geometry: coordinates look swapped"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { problemsSay(t, CheckUnit(c.u), c.want...) })
	}
}

func TestCheckFeature(t *testing.T) {
	poly := orb.Polygon{square(105, 26, 0.01)}
	line := orb.LineString{{105, 26}, {105.1, 26.1}}
	cases := []struct {
		name string
		f    Feature
		want []string
	}{
		{"courtyard", Feature{ID: "c1", Layer: Courtyard, Geom: poly}, nil},
		{"road", Feature{ID: "r1", Layer: Road, Geom: orb.MultiLineString{line}, CountyCode: "520204"}, nil},
		{"empty id", Feature{Layer: Valley, Geom: poly}, []string{"id: is empty"}},
		{"unknown layer", Feature{ID: "x", Layer: "lake", Geom: poly}, []string{`layer: unknown layer "lake"`}},
		{"road as polygon", Feature{ID: "x", Layer: Road, Geom: poly}, []string{"geometry: a road is a LineString"}},
		{"courtyard as line", Feature{ID: "x", Layer: Courtyard, Geom: line}, []string{"geometry: a courtyard is a Polygon"}},
		{"point", Feature{ID: "x", Layer: Enterprise, Geom: orb.Point{105, 26}}, []string{"geometry: Point is not"}},
		{"no geometry", Feature{ID: "x", Layer: Compound}, []string{"geometry: is missing"}},
		{"bad county code", Feature{ID: "x", Layer: Courtyard, Geom: poly, CountyCode: "5202"}, []string{"county_code"}},
		{"line outside China", Feature{ID: "x", Layer: Road, Geom: orb.LineString{{5, 26}, {5.1, 26}}}, []string{"outside China"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { problemsSay(t, CheckFeature(c.f), c.want...) })
	}
}

func TestCheckTenHHAndHousehold(t *testing.T) {
	problemsSay(t, CheckTenHH(TenHH{Code: "520204101001007001", GridCode: "520204101001007"}))
	problemsSay(t, CheckTenHH(TenHH{Code: "520204101001008001", GridCode: "520204101001007"}), "code: \"520204101001008001\" is not its grid_code")
	problemsSay(t, CheckTenHH(TenHH{Code: "5202041010010070", GridCode: "5202041010010"}), "grid_code: \"5202041010010\" is not a grid code")

	p := orb.Point{105.1, 26.5}
	problemsSay(t, CheckHousehold(Household{ID: "h", UnitCode: "520204101001007001", Members: 3, Point: p}))
	problemsSay(t, CheckHousehold(Household{ID: "h", UnitCode: "520204101001007001002", Members: 100, Point: p}))
	problemsSay(t, CheckHousehold(Household{ID: "", UnitCode: "5202", Members: 0, Point: orb.Point{26.5, 105.1}}),
		"id: is empty", "unit_code: \"5202\" is not a ten-household unit code", "members: 0 is outside 1..100", "lon,lat: coordinates look swapped")
	problemsSay(t, CheckHousehold(Household{ID: "h", UnitCode: "520204101001007001", Members: 101, Point: p}), "members: 101 is outside 1..100")
}

func TestCheckResponsibility(t *testing.T) {
	cases := []struct {
		r    Responsibility
		want []string
	}{
		{Responsibility{PersonID: "p", Name: "张", Role: CountySecretary, UnitCode: "520204"}, nil},
		{Responsibility{PersonID: "p", Name: "张", Role: GridWorker, UnitCode: "520204101001007"}, nil},
		{Responsibility{PersonID: "p", Name: "张", Role: GridHead, UnitCode: "520204101001007003"}, nil},
		{Responsibility{PersonID: "p", Name: "张", Role: UnitHead, UnitCode: "520204101001007001"}, nil},
		{Responsibility{PersonID: "p", Name: "张", Role: "boss", UnitCode: "520204"}, []string{`role: unknown role "boss"`}},
		{Responsibility{PersonID: "p", Name: "张", Role: VillageSecretary, UnitCode: "520204101"}, []string{"unit_code: a village_secretary answers for a village, whose code has 12 digits"}},
		{Responsibility{PersonID: "p", Name: "张", Role: UnitHead, UnitCode: "520204101001"}, []string{"a unit_head answers for a ten-household unit, whose code has 18 or 21 digits"}},
		{Responsibility{PersonID: "", Name: "", Role: TownDirector, UnitCode: ""}, []string{"id: is empty", "name: is empty", "unit_code: is empty"}},
		{Responsibility{PersonID: "p", Name: "张", Role: TownDirector, UnitCode: "52x"}, []string{"only digits"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.r), func(t *testing.T) { problemsSay(t, CheckResponsibility(c.r), c.want...) })
	}
}

func TestValidateFilesIndexAndDuplicates(t *testing.T) {
	us := []Unit{
		{Code: "520204", Name: "a", Level: County},
		{Code: "520204101", Name: "", Level: Town, ParentCode: "520204"},
		{Code: "520204", Name: "b", Level: County},
	}
	ps := ValidateUnits(us, []int{2, 3, 5}, "line")
	if len(ps) != 2 || ps[0].Index != 3 || ps[1].Index != 5 || !strings.Contains(ps[1].Message, "also at line 2") {
		t.Errorf("ValidateUnits: %+v", ps)
	}
	rs := []Responsibility{
		{PersonID: "p", Name: "张", Phone: "1", Role: GridHead, UnitCode: "520204101001007"},
		{PersonID: "p", Name: "张", Phone: "2", Role: GridWorker, UnitCode: "520204101001008"},
		{PersonID: "p", Name: "张", Phone: "1", Role: GridHead, UnitCode: "520204101001007"},
	}
	ps = ValidateResponsibilities(rs, nil, "line")
	if len(ps) != 2 || ps[0].Index != 2 || ps[0].Field != "phone" || ps[1].Index != 3 || !strings.Contains(ps[1].Message, "repeats line 1") {
		t.Errorf("ValidateResponsibilities: %+v", ps)
	}
	hs := []Household{{ID: "h", UnitCode: "520204101001007001", Members: 1, Point: orb.Point{105, 26}},
		{ID: "h", UnitCode: "520204101001007001", Members: 1, Point: orb.Point{105, 26}}}
	if ps := ValidateHouseholds(hs, nil, "line"); len(ps) != 1 || ps[0].Index != 2 {
		t.Errorf("ValidateHouseholds: %+v", ps)
	}
}

func TestImportErrorFormat(t *testing.T) {
	e := &ImportError{File: "units.geojson", Item: "feature"}
	for i := 1; i <= 60; i++ {
		e.Problems = append(e.Problems, Problem{Index: i, Key: fmt.Sprint(520200 + i), Field: "name", Message: "is empty"})
	}
	e.Problems = append(e.Problems, Problem{Field: "crs", Message: "whole file"})
	msg := e.Error()
	if !strings.HasPrefix(msg, "units.geojson: 61 problems, nothing stored\n  feature 1 (520201): name: is empty\n") {
		t.Errorf("Error() starts %q", msg[:80])
	}
	if !strings.HasSuffix(msg, "\n  and 11 more") || strings.Count(msg, "\n") != 51 {
		t.Errorf("Error() is not capped at 50:\n%s", msg)
	}
	if full := e.Format(0); !strings.HasSuffix(full, "\n  crs: whole file") {
		t.Errorf("Format(0) ends %q", full[len(full)-40:])
	}
	var err error = e
	if KindOf(err) != Invalid {
		t.Errorf("KindOf = %v, want Invalid", KindOf(err))
	}
	var ie *ImportError
	if !errors.As(fmt.Errorf("wrapped: %w", err), &ie) || ie != e {
		t.Error("errors.As does not find the ImportError")
	}
}
