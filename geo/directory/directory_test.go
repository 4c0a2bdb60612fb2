package directory

import (
	"math"
	"slices"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// square is a square of side s degrees with its south-west corner at x, y.
func square(x, y, s float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}}
}

// fixture is a county with one town, two villages (one drawn, one known by code only) and
// three grids, people at every level and a unit head, and households in three ten-household
// units (one of them not listed in TenHH).
func fixture() Input {
	return Input{
		Seq: 5,
		Units: []geo.Unit{
			{Code: "520204", Name: "水城区", Level: geo.County, Geom: square(0, 0, 0.04)},
			{Code: "520204103", Name: "鸡场镇", Level: geo.Town, ParentCode: "520204", Geom: square(0, 0, 0.04)},
			{Code: "520204103200", Name: "坪地村村民委员会", Level: geo.Village, ParentCode: "520204103", Geom: square(0, 0, 0.02)},
			{Code: "520204103201", Name: "鸡场村村民委员会", Level: geo.Village, ParentCode: "520204103"},
			{Code: "520204103200001", Name: "坪地村第1网格", Level: geo.Grid, ParentCode: "520204103200", Geom: square(0, 0, 0.01)},
			{Code: "520204103200002", Name: "坪地村第2网格", Level: geo.Grid, ParentCode: "520204103200", Geom: square(0.01, 0, 0.01)},
			{Code: "520204103201001", Name: "鸡场村第1网格", Level: geo.Grid, ParentCode: "520204103201", Geom: square(0.02, 0.02, 0.01)},
		},
		People: []geo.Responsibility{
			{PersonID: "p1", Name: "孙江林", Phone: "19900000001", Role: geo.CountySecretary, UnitCode: "520204"},
			{PersonID: "p2", Name: "林婷", Phone: "19900000103", Role: geo.VillageSecretary, UnitCode: "520204103200"},
			{PersonID: "p4", Name: "孟永良", Phone: "19900002200", Role: geo.GridWorker, UnitCode: "520204103200002"},
			{PersonID: "p3", Name: "徐杰", Phone: "19900002199", Role: geo.GridHead, UnitCode: "520204103200002"},
			{PersonID: "p5", Name: "联户长甲", Phone: "13800000000", Role: geo.UnitHead, UnitCode: "520204103200002001"},
		},
		TenHH: []geo.TenHHUnit{
			{TenHH: geo.TenHH{Code: "520204103200002001", GridCode: "520204103200002", Name: "坪地村第2网格第1联户"}},
			{TenHH: geo.TenHH{Code: "520204103200002002", GridCode: "520204103200002", Name: "坪地村第2网格第2联户"}},
		},
		Households: []geo.Household{
			{ID: "h1", UnitCode: "520204103200002001", Members: 3},
			{ID: "h2", UnitCode: "520204103200002001", Members: 4},
			{ID: "h3", UnitCode: "520204103200002002", Members: 2},
			{ID: "h4", UnitCode: "520204103201001001", Members: 5}, // a ten-household unit only households name
		},
	}
}

func unit(t *testing.T, v *View, code string) *Entry {
	t.Helper()
	e, ok := v.Unit(code)
	if !ok {
		t.Fatalf("unit %s is not in the view", code)
	}
	return e
}

func TestStatisticsSumOverTheUnitsBelow(t *testing.T) {
	v := New(fixture()).View()
	km2 := func(side float64) float64 { // a square of side degrees at the equator
		return math.Pow(side*2*math.Pi*6378137/360, 2) / 1e6
	}
	cases := []struct {
		code string
		want Stats
		area float64
	}{
		{"520204", Stats{Households: 4, Members: 14, TenHH: 3, People: 4, Grids: 3}, km2(0.04)},
		{"520204103", Stats{Households: 4, Members: 14, TenHH: 3, People: 3, Grids: 3}, km2(0.04)},
		{"520204103200", Stats{Households: 3, Members: 9, TenHH: 2, People: 3, Grids: 2}, km2(0.02)},
		// No boundary: the area and bound of its one grid.
		{"520204103201", Stats{Households: 1, Members: 5, TenHH: 1, People: 0, Grids: 1}, km2(0.01)},
		{"520204103200002", Stats{Households: 3, Members: 9, TenHH: 2, People: 2, Grids: 1}, km2(0.01)},
		{"520204103200001", Stats{Grids: 1}, km2(0.01)},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			got := unit(t, v, tc.code).Stats
			area := got.AreaKm2
			got.AreaKm2 = 0
			if got != tc.want {
				t.Errorf("statistics %+v; want %+v", got, tc.want)
			}
			// orb's spherical area uses the mean radius: within 1% of the equatorial square.
			if math.Abs(area-tc.area) > 0.01*tc.area {
				t.Errorf("area %.4f km²; want about %.4f", area, tc.area)
			}
		})
	}
	if b := unit(t, v, "520204103201").Bound; b != [4]float64{0.02, 0.02, 0.03, 0.03} {
		t.Errorf("the bound of a village with no boundary is %v; want its grid's", b)
	}
}

func TestEntriesLinkParentsChildrenPeopleAndTenHH(t *testing.T) {
	v := New(fixture()).View()
	g := unit(t, v, "520204103200002")
	if g.Parent == nil || g.Parent.Code != "520204103200" {
		t.Fatalf("the grid's parent is %v", g.Parent)
	}
	var path []string
	for _, p := range g.Path() {
		path = append(path, p.Code)
	}
	if want := []string{"520204", "520204103", "520204103200"}; !slices.Equal(path, want) {
		t.Errorf("path %v; want %v", path, want)
	}
	var kids []string
	for _, c := range unit(t, v, "520204103").Children {
		kids = append(kids, c.Code)
	}
	if want := []string{"520204103200", "520204103201"}; !slices.Equal(kids, want) {
		t.Errorf("children %v; want %v", kids, want)
	}
	// People in role order, and never the unit head.
	wantPeople := []geo.Person{{Role: geo.GridHead, Name: "徐杰", Phone: "19900002199"}, {Role: geo.GridWorker, Name: "孟永良", Phone: "19900002200"}}
	if !slices.Equal(g.People, wantPeople) {
		t.Errorf("people %+v; want %+v", g.People, wantPeople)
	}
	wantTenHH := []TenHHStats{
		{Code: "520204103200002001", Name: "坪地村第2网格第1联户", Households: 2, Members: 7},
		{Code: "520204103200002002", Name: "坪地村第2网格第2联户", Households: 1, Members: 2},
	}
	if !slices.Equal(g.TenHH, wantTenHH) {
		t.Errorf("ten-household units %+v; want %+v", g.TenHH, wantTenHH)
	}
	var grids []string
	for _, e := range v.Descendants("520204103", geo.Grid) {
		grids = append(grids, e.Code)
	}
	if want := []string{"520204103200001", "520204103200002", "520204103201001"}; !slices.Equal(grids, want) {
		t.Errorf("grids under the town %v; want %v", grids, want)
	}
}

func TestApplyFollowsEdits(t *testing.T) {
	cases := []struct {
		name  string
		ch    geo.Changes
		code  string
		check func(t *testing.T, e *Entry, ok bool)
	}{
		{"a household deleted", geo.Changes{Seq: 6, DeletedHouseholds: []string{"h1"}}, "520204103200",
			func(t *testing.T, e *Entry, ok bool) {
				if e.Stats.Households != 2 || e.Stats.Members != 6 {
					t.Errorf("statistics %+v; want 2 households, 6 members", e.Stats)
				}
			}},
		{"a household moved to another grid", geo.Changes{Seq: 6, Households: []geo.Household{{ID: "h3", UnitCode: "520204103201001001", Members: 2}}}, "520204103201",
			func(t *testing.T, e *Entry, ok bool) {
				if e.Stats.Households != 2 || e.Stats.Members != 7 {
					t.Errorf("statistics %+v; want 2 households, 7 members", e.Stats)
				}
			}},
		{"a grid renamed", geo.Changes{Seq: 6, Units: []geo.Unit{{Code: "520204103200001", Name: "新网格", Level: geo.Grid, ParentCode: "520204103200", Geom: square(0, 0, 0.01)}}}, "520204103200001",
			func(t *testing.T, e *Entry, ok bool) {
				if e.Name != "新网格" {
					t.Errorf("name %q", e.Name)
				}
			}},
		{"a grid deleted", geo.Changes{Seq: 6, DeletedUnits: []string{"520204103200001"}}, "520204103200",
			func(t *testing.T, e *Entry, ok bool) {
				if e.Stats.Grids != 1 || len(e.Children) != 1 {
					t.Errorf("%d grids, %d children; want 1 and 1", e.Stats.Grids, len(e.Children))
				}
			}},
		{"a ten-household unit renamed", geo.Changes{Seq: 6, TenHH: []geo.TenHHUnit{{TenHH: geo.TenHH{
			Code: "520204103200002002", GridCode: "520204103200002", Name: "新联户"}}}}, "520204103200002",
			func(t *testing.T, e *Entry, ok bool) {
				if len(e.TenHH) != 2 || e.TenHH[1].Name != "新联户" || e.TenHH[1].Households != 1 {
					t.Errorf("ten-household units %+v; want the second named 新联户 with its household", e.TenHH)
				}
			}},
		{"a ten-household unit made and one deleted", geo.Changes{Seq: 6, DeletedTenHH: []string{"520204103200002002"},
			DeletedHouseholds: []string{"h3"},
			TenHH:             []geo.TenHHUnit{{TenHH: geo.TenHH{Code: "520204103200002003", GridCode: "520204103200002", Name: "第3联户"}}}}, "520204103200002",
			func(t *testing.T, e *Entry, ok bool) {
				var got []string
				for _, u := range e.TenHH {
					got = append(got, u.Code+" "+u.Name)
				}
				if want := []string{"520204103200002001 坪地村第2网格第1联户", "520204103200002003 第3联户"}; !slices.Equal(got, want) {
					t.Errorf("ten-household units %q; want %q", got, want)
				}
			}},
		{"the grid head replaced", geo.Changes{Seq: 6, People: map[string][]geo.Responsibility{"520204103200002": {
			{PersonID: "p9", Name: "王芳", Phone: "19900009999", Role: geo.GridHead, UnitCode: "520204103200002"}}}}, "520204103200002",
			func(t *testing.T, e *Entry, ok bool) {
				if want := []geo.Person{{Role: geo.GridHead, Name: "王芳", Phone: "19900009999"}}; !slices.Equal(e.People, want) {
					t.Errorf("people %+v; want %+v", e.People, want)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := New(fixture())
			before := d.View()
			if err := d.Apply(tc.ch); err != nil {
				t.Fatal(err)
			}
			if d.Seq() != tc.ch.Seq {
				t.Errorf("position %d; want %d", d.Seq(), tc.ch.Seq)
			}
			e, ok := d.View().Unit(tc.code)
			if !ok {
				t.Fatalf("unit %s is gone", tc.code)
			}
			tc.check(t, e, ok)
			// The view readers held stays as it was.
			if e0 := unit(t, before, tc.code); e0 == e {
				t.Error("the old view's entry was reused for the new view")
			}
			if got := unit(t, before, "520204").Stats; got.Households != 4 || got.Grids != 3 {
				t.Errorf("the old view changed: %+v", got)
			}
		})
	}
	t.Run("a batch of other entities moves the position only", func(t *testing.T) {
		d := New(fixture())
		before := d.View()
		if err := d.Apply(geo.Changes{Seq: 9, DeletedFeatures: []string{"f1"}}); err != nil {
			t.Fatal(err)
		}
		if d.Seq() != 9 || unit(t, d.View(), "520204") != unit(t, before, "520204") {
			t.Errorf("position %d, entries rebuilt: want 9 and the same entries", d.Seq())
		}
	})
}

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{"水城区": "scq", "坪地村第2网格": "pdcd2wg", "鸡场镇": "jcz", "A区·B": "aqb", "": ""} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q; want %q", name, got, want)
		}
	}
}
