package tiles

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// Units returns the features of units for the layers named after their levels (county,
// town, village, group, grid) and their labels for the label layer. Each unit's properties
// are code, name and level, plus grid_worker for a grid found in workers (grid code → the
// name of its grid worker). Units without a boundary are left out. Labels sit at LabelPoint
// of the boundary and appear from LabelZoom of their level.
func Units(units []geo.Unit, workers map[string]string) (byLayer map[string][]Feature, labels []Feature) {
	return unitsWithCounts(units, workers, nil)
}

// unitsWithCounts is Units that, with counts non-nil (grid code → households, GridCounts),
// gives every grid the properties households and density (households per km², one
// decimal): aggregates for the dashboard's choropleth, never a household.
func unitsWithCounts(units []geo.Unit, workers map[string]string, counts map[string]int) (byLayer map[string][]Feature, labels []Feature) {
	// Label points are most of the cost (some tens of µs per grid): find them on every core.
	points := make([]orb.Point, len(units))
	var wg sync.WaitGroup
	n := runtime.GOMAXPROCS(0)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(units); i += n {
				if len(units[i].Geom) > 0 {
					points[i] = LabelPoint(units[i].Geom)
				}
			}
		}()
	}
	wg.Wait()
	byLayer = map[string][]Feature{}
	for i, u := range units {
		if len(u.Geom) == 0 {
			continue
		}
		props := map[string]any{"code": u.Code, "name": u.Name, "level": string(u.Level)}
		if w, ok := workers[u.Code]; ok && u.Level == geo.Grid {
			props["grid_worker"] = w
		}
		if counts != nil && u.Level == geo.Grid {
			n := counts[u.Code]
			props["households"] = n
			props["density"] = density(n, u.Geom)
		}
		byLayer[string(u.Level)] = append(byLayer[string(u.Level)], Feature{Key: u.Code, Geom: u.Geom, Props: props})
		labels = append(labels, Feature{
			Key:     u.Code,
			Geom:    points[i],
			Props:   map[string]any{"code": u.Code, "name": u.Name, "level": string(u.Level)},
			MinZoom: LabelZoom(u.Level),
		})
	}
	return byLayer, labels
}

// References returns reference features by layer name (the geo.Layer names), with the
// properties id and name.
func References(fs []geo.Feature) map[string][]Feature {
	out := map[string][]Feature{}
	for _, f := range fs {
		if f.Geom == nil {
			continue
		}
		out[string(f.Layer)] = append(out[string(f.Layer)], Feature{
			Key: f.ID, Geom: f.Geom, Props: map[string]any{"id": f.ID, "name": f.Name},
		})
	}
	return out
}

// Households returns households as features of the household layer, with the properties
// id, unit_code (the ten-household unit) and members.
func Households(hs []geo.Household) []Feature {
	out := make([]Feature, len(hs))
	for i, h := range hs {
		out[i] = Feature{Key: h.ID, Geom: h.Point, Props: map[string]any{"id": h.ID, "unit_code": h.UnitCode, "members": h.Members}}
	}
	return out
}

// Workers returns, for each grid with grid workers in rs, their names in name order joined
// by "、" (so the result does not depend on the order of rs).
func Workers(rs []geo.Responsibility) map[string]string {
	names := map[string][]string{}
	for _, r := range rs {
		if r.Role == geo.GridWorker {
			names[r.UnitCode] = append(names[r.UnitCode], r.Name)
		}
	}
	out := make(map[string]string, len(names))
	for code, ns := range names {
		slices.Sort(ns)
		out[code] = strings.Join(ns, "、")
	}
	return out
}

// GridCounts returns how many households each grid holds: a household's ten-household unit
// code extends its grid's code by three digits.
func GridCounts(hs []geo.Household) map[string]int {
	out := map[string]int{}
	for _, h := range hs {
		if g := gridOfTenHH(h.UnitCode); g != "" {
			out[g]++
		}
	}
	return out
}

func gridOfTenHH(code string) string {
	if len(code) <= 3 {
		return ""
	}
	return code[:len(code)-3]
}

// density is households per km² of the boundary, to one decimal; 0 for no area.
func density(households int, geom orb.MultiPolygon) float64 {
	km2 := orbgeo.Area(geom) / 1e6
	if km2 <= 0 {
		return 0
	}
	return math.Round(float64(households)/km2*10) / 10
}

// Data assembles the data of the public tileset (households == nil) or of the private one
// from the domain's types, ready for NewSet with PublicLayers or PrivateLayers.
func Data(units []geo.Unit, features []geo.Feature, people []geo.Responsibility, households []geo.Household) map[string][]Feature {
	return data(units, features, people, households, nil)
}

// data is Data with the grids' household counts (see unitsWithCounts).
func data(units []geo.Unit, features []geo.Feature, people []geo.Responsibility, households []geo.Household, counts map[string]int) map[string][]Feature {
	data, labels := unitsWithCounts(units, Workers(people), counts)
	data[LayerLabel] = labels
	for l, fs := range References(features) {
		data[l] = fs
	}
	if households != nil {
		data[LayerHousehold] = Households(households)
	}
	return data
}
