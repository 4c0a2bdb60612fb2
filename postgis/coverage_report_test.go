package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// A county of one town, one village and two grids (made-up 990150), courtyards on and off
// the grids' shared edge, then an overlapping grid stored behind the import's back: the
// report finds the split courtyard and the overlap, with and without the prefilter.
func TestCoverageReport(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	const x, y = 84.5, 41.0
	b := func(x0, y0, x1, y1 float64) [][]float64 { return box(x+x0, y+y0, x+x1, y+y1) }
	const county, town, village = "990150", "990150001", "990150001001"
	units := collection("",
		unitFeature(county, "报告县", "county", "", b(0, 0, 0.02, 0.01)),
		unitFeature(town, "镇", "town", county, b(0, 0, 0.02, 0.01)),
		unitFeature(village, "村", "village", town, b(0, 0, 0.02, 0.01)),
		unitFeature(village+"001", "网格1", "grid", village, b(0, 0, 0.01, 0.01)),
		unitFeature(village+"002", "网格2", "grid", village, b(0.01, 0, 0.02, 0.01)))
	if _, err := importUnits(db, units, false); err != nil {
		t.Fatal(err)
	}
	court := func(id string, ring [][]float64) map[string]any {
		return feature(map[string]any{"id": id, "layer": "courtyard", "name": "院落"}, "Polygon", [][][]float64{ring})
	}
	features := collection("",
		court(county+"-cut", b(0.009, 0.004, 0.0105, 0.005)),        // 0.0005° of it east of the edge
		court(county+"-inside", b(0.002, 0.002, 0.003, 0.003)),      // wholly in grid 001
		court(county+"-touch", b(0.009, 0.006, 0.010000001, 0.007)), // a tenth of a millimetre over
		feature(map[string]any{"id": county + "-road", "layer": "road"}, "LineString", [][]float64{{x + 0.001, y + 0.008}, {x + 0.019, y + 0.008}}))
	if _, err := importKind(db, "features", features); err != nil {
		t.Fatal(err)
	}

	// CheckCoverage looks for cut features only among children that say they are grids.
	parent := geo.Candidate{Code: village, Geom: square(x, y, x+0.02, y+0.01)}
	children := []geo.Candidate{
		{Code: village + "001", Geom: square(x, y, x+0.01, y+0.01)},
		{Code: village + "002", Geom: square(x+0.01, y, x+0.02, y+0.01)}}
	for _, level := range []geo.Level{"", geo.Grid} {
		for i := range children {
			children[i].Level = level
		}
		fs, err := postgis.CheckCoverage(ctx, pgtest.Pool(t), parent, children, geo.DefaultTolerance)
		if err != nil {
			t.Fatal(err)
		}
		if level == "" && len(fs) != 0 {
			t.Errorf("children of no level: findings %+v", fs)
		}
		if level == geo.Grid && (len(fs) != 1 || fs[0].Kind != geo.SplitFeature || fs[0].Feature != county+"-cut" ||
			fs[0].Parent != village || fs[0].Area < 4400 || fs[0].Area > 4900 || fs[0].Geom == nil) {
			t.Errorf("grids: findings %+v, want the cut courtyard", fs)
		}
	}

	rep, err := db.CoverageReport(ctx, county)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.ParentsChecked != 3 || s.ParentsClean != 3 || s.ParentsExact != 3 || len(rep.Findings) != 1 || s.Findings[geo.SplitFeature] != 1 {
		t.Fatalf("summary %+v, findings %+v", s, rep.Findings)
	}
	f := rep.Findings[0]
	if f.Kind != geo.SplitFeature || f.Feature != county+"-cut" || f.Parent != village || f.Severity != geo.SeverityWarning ||
		strings.Join(f.Units, ",") != village+"001,"+village+"002" || f.Geom == nil {
		t.Errorf("split finding %+v", f)
	}
	// 0.0005° of longitude (42 m at 41°N) by 0.001° of latitude (111 m).
	if f.Area < 4400 || f.Area > 4900 {
		t.Errorf("smaller side %.0f m², want about 4,670", f.Area)
	}
	for _, p := range rep.Parents {
		if p.Covered != 1 || p.Gap != 0 || (p.Code == village) != (p.Split == 1) {
			t.Errorf("parent %+v", p)
		}
	}

	// A third grid over half of grid 002, stored without the import's checks.
	if _, err := pgtest.Pool(t).Exec(ctx, `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
		VALUES ($1, 'grid', '网格3', $2, 'village', ST_Multi(ST_MakeEnvelope($3, $4, $5, $6, 4326)))`,
		village+"003", village, x+0.015, y, x+0.02, y+0.01); err != nil {
		t.Fatal(err)
	}
	for name, report := range map[string]func(context.Context, string) (geo.CoverageReport, error){
		"prefilter": db.CoverageReport, "overlay only": db.CoverageReportOverlay} {
		t.Run(name, func(t *testing.T) {
			rep, err := report(ctx, county)
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Summary
			if s.ParentsChecked != 3 || s.ParentsClean != 2 || s.Findings[geo.Overlap] != 1 || s.Findings[geo.SplitFeature] != 1 {
				t.Fatalf("summary %+v", s)
			}
			if s.OverlapArea < 0.45e6 || s.OverlapArea > 0.49e6 {
				t.Errorf("overlap %.0f m², want about 467,000", s.OverlapArea)
			}
			for _, p := range rep.Parents {
				if p.Code == village && (p.Exact || p.Overlap != s.OverlapArea || p.Covered != 1) {
					t.Errorf("village %+v", p)
				}
			}
		})
	}

	if _, err := db.CoverageReport(ctx, "990159"); geo.KindOf(err) != geo.NotFound || !strings.Contains(err.Error(), "990159") {
		t.Errorf("unknown code: %v", err)
	}
}
