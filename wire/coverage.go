package wire

import (
	"math"
	"sort"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb/geojson"
)

// CoverageGeoJSON is a coverage report as GET /v1/units/{code}/coverage and `gridmap
// coverage -geojson` write it: a GeoJSON FeatureCollection with one feature per finding
// (properties kind, severity, parent, units, feature, area_m2, message; for a sliver also
// sliver_of), a "summary" member adding them up and a "parents" member with each parent's
// figures. Areas are square metres on the spheroid, rounded to 0.01 m².
func CoverageGeoJSON(r geo.CoverageReport) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	fc.Features = []*geojson.Feature{} // an empty list, not null, when all is well
	for _, f := range r.Findings {
		ft := geojson.NewFeature(f.Geom)
		units := f.Units
		if units == nil {
			units = []string{}
		}
		ft.Properties = geojson.Properties{
			"kind": string(f.Kind), "severity": string(f.Severity), "parent": f.Parent,
			"units": units, "feature": nullable(f.Feature), "area_m2": roundArea(f.Area), "message": f.Message,
		}
		if f.SliverOf != "" {
			ft.Properties["sliver_of"] = string(f.SliverOf)
		}
		fc.Append(ft)
	}
	kinds := map[string]int{}
	for k, n := range r.Summary.Findings {
		kinds[string(k)] = n
	}
	parents := make([]map[string]any, 0, len(r.Parents))
	for _, p := range r.Parents {
		parents = append(parents, map[string]any{
			"code": p.Code, "level": string(p.Level), "children": p.Children, "area_m2": roundArea(p.Area),
			"covered": math.Round(p.Covered*1e6) / 1e6, "gap_m2": roundArea(p.Gap), "overlap_m2": roundArea(p.Overlap),
			"outside_m2": roundArea(p.Outside), "split_features": p.Split, "exact": p.Exact,
		})
	}
	sort.Slice(parents, func(i, j int) bool { return parents[i]["code"].(string) < parents[j]["code"].(string) })
	s := r.Summary
	fc.ExtraMembers = geojson.Properties{
		"summary": map[string]any{
			"unit": r.Root, "level": string(r.Level),
			"parents_checked": s.ParentsChecked, "parents_clean": s.ParentsClean, "parents_exact": s.ParentsExact,
			"findings": kinds, "gap_m2": roundArea(s.GapArea), "overlap_m2": roundArea(s.OverlapArea),
		},
		"parents": parents,
	}
	return fc
}

func roundArea(m2 float64) float64 { return math.Round(m2*100) / 100 }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
