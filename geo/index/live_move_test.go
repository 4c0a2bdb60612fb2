package index

import (
	"context"
	"math/rand"
	"slices"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// gridAt returns a point near the fraction (fx, fy) of the grids' extent that a grid
// covers, and that grid's code: found by lookup, so the test needs no geometry of its own.
func gridAt(t *testing.T, ix *Index, byCode map[string]geo.Unit, fx, fy float64) (orb.Point, string) {
	t.Helper()
	box, first := orb.Bound{}, true
	for _, u := range byCode {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			if first {
				box, first = u.Geom.Bound(), false
			}
			box = box.Union(u.Geom.Bound())
		}
	}
	rng := rand.New(rand.NewSource(int64(fx*1000 + fy*10)))
	w, h := box.Max[0]-box.Min[0], box.Max[1]-box.Min[1]
	for range 10000 {
		p := orb.Point{box.Min[0] + w*(fx+0.3*(rng.Float64()-0.5)), box.Min[1] + h*(fy+0.3*(rng.Float64()-0.5))}
		if code, ok := ix.Lookup(p[0], p[1]); ok && byCode[code].Level == geo.Grid {
			return p, code
		}
	}
	t.Fatalf("no grid near the fraction %v,%v of the extent", fx, fy)
	return orb.Point{}, ""
}

// A grid whose geometry moves to another shard of the grid level answers only at its new
// place: the shard under its old box is rebuilt too, so nothing is left behind. (Merges and
// renames in TestLiveApplyMatchesRebuild stay within one shard.)
func TestLiveApplyMovesAGridAcrossShards(t *testing.T) {
	c, _ := loadSample(t)
	units := slices.Clone(c.Units)
	live, err := NewLive(units, c.People, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range live.Index().Stats() {
		if s.Level == geo.Grid && s.Shards < 4 {
			t.Fatalf("the sample's grid level has %d shards; the test needs the corners in different ones", s.Shards)
		}
	}
	byCode := map[string]geo.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	oldPlace, moving := gridAt(t, live.Index(), byCode, 0.2, 0.2)
	newPlace, gone := gridAt(t, live.Index(), byCode, 0.8, 0.8)
	if moving == gone {
		t.Fatalf("one grid %s at both corners", moving)
	}
	ctx := context.Background()

	// The grid at the far corner goes; then the moving grid takes its place.
	if err := live.Apply(geo.Changes{Seq: 2, DeletedUnits: []string{gone}}); err != nil {
		t.Fatal(err)
	}
	if code, _ := live.Index().Lookup(newPlace[0], newPlace[1]); code == gone {
		t.Fatalf("deleted grid %s still answers at %v", gone, newPlace)
	}
	moved := byCode[moving]
	moved.Geom = orb.Clone(byCode[gone].Geom).(orb.MultiPolygon)
	moved.Version++
	if err := live.Apply(geo.Changes{Seq: 3, Units: []geo.Unit{moved}}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		at   orb.Point
		want string // the grid that must answer; "" for none (the chain stops above grid level)
	}{
		{"old place", oldPlace, ""},
		{"new place", newPlace, moving},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := live.Resolve(ctx, tc.at[0], tc.at[1])
			if err != nil {
				t.Fatalf("at %v: %v", tc.at, err)
			}
			if len(ch.Links) == 0 {
				t.Fatalf("at %v: an empty chain", tc.at)
			}
			last := ch.Links[len(ch.Links)-1]
			switch {
			case tc.want == "" && (last.Level == geo.Grid || ch.Complete):
				t.Errorf("at %v: grid %s answers (complete %v); the grid moved away", tc.at, last.Code, ch.Complete)
			case tc.want != "" && (last.Code != tc.want || !ch.Complete):
				t.Errorf("at %v: %s (complete %v), want the moved grid %s", tc.at, last.Code, ch.Complete, tc.want)
			}
		})
	}

	// And everywhere the same as an index built afresh from the edited units.
	var now []geo.Unit
	for _, u := range units {
		switch u.Code {
		case gone:
		case moving:
			now = append(now, moved)
		default:
			now = append(now, u)
		}
	}
	assertSameAsBuild(t, live, now, c.People, append(verticesOf(&moved), oldPlace, newPlace))
}
