package tiles

import (
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// Two updates of one Set, each adding a feature to the same cell, give two Sets that each
// hold their own feature: an update never writes into a bucket the Set it started from
// shares.
func TestUpdatesFromOneSetDoNotMix(t *testing.T) {
	var fs []Feature
	for i := range 5 {
		k := fmt.Sprint("f", i)
		fs = append(fs, Feature{Key: k, Geom: square(104+float64(i)*0.001, 26, 0.0005), Props: map[string]any{"code": k}})
	}
	s, err := NewSet("t", []LayerSpec{{"a", Polygon, 0, 16}}, map[string][]Feature{"a": fs})
	if err != nil {
		t.Fatal(err)
	}
	add := func(key string, x float64) *Set {
		t.Helper()
		ns, _, err := s.Update("a", []Feature{{Key: key, Geom: square(x, 26.001, 0.0005), Props: map[string]any{"code": key}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	a, b := add("A", 104.002), add("B", 104.003)
	tile := tileAt(orb.Point{104.002, 26.001}, 12)
	codes := func(s *Set) []string {
		var out []string
		if l := layerOf(decode(t, s, tile), "a"); l != nil {
			for _, f := range l.Features {
				out = append(out, fmt.Sprint(f.Properties["code"]))
			}
		}
		slices.Sort(out)
		return out
	}
	base := []string{"f0", "f1", "f2", "f3", "f4"}
	for _, tc := range []struct {
		name string
		set  *Set
		want []string
	}{
		{"the first update", a, append(slices.Clone(base), "A")},
		{"the second update", b, append(slices.Clone(base), "B")},
		{"the Set they started from", s, base},
	} {
		if got := codes(tc.set); !slices.Equal(got, slices.Sorted(slices.Values(tc.want))) {
			t.Errorf("%s draws %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A feature added beyond a Set's bounds widens the bounds of the Set the update returns.
func TestUpdateGrowsTheBounds(t *testing.T) {
	s, err := NewSet("t", []LayerSpec{{"a", Polygon, 0, 16}}, map[string][]Feature{"a": {{Key: "f", Geom: square(104, 26, 0.01)}}})
	if err != nil {
		t.Fatal(err)
	}
	far := square(110, 30, 0.01)
	ns, _, err := s.Update("a", []Feature{{Key: "g", Geom: far}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := square(104, 26, 0.01).Bound().Union(far.Bound())
	if got := ns.Bounds(); got != want {
		t.Errorf("bounds after the update %v, want %v", got, want)
	}
	if got := s.Bounds(); got != square(104, 26, 0.01).Bound() {
		t.Errorf("the old Set's bounds changed to %v", got)
	}
}
