// Package gen generates a plausible, clearly labelled sample county: towns, villages and
// grids inside a real county outline, with courtyards, relocation sites, valleys, roads,
// ten-household units, households and the people answerable for each unit. No public source
// has outlines below the county, so demos, tests and benchmarks use these.
//
// The subdivision is exact by construction. The outline is rasterized on a lattice of square
// pixels whose side is a power-of-two fraction of a degree; every region is a set of pixels
// (towns grown inside the county, villages inside their town, grids inside their village).
// The grid partition is traced into shared arcs between nodes, each arc is simplified once,
// preserving topology (see simplify.go), and every level is assembled from the same arcs. All
// coordinates inside the county are lattice vertices, exact in float64; neighbours share
// bit-identical edges at any angle, children tile their parent with no gap and no overlap,
// and reference features are placed on pixels far enough inside a single grid.
//
// The pixels are those whose centre is inside one of the outline's polygons, plus the
// pixels of enclosed gaps smaller than 16 pixels of 1/2048° (slivers between the source's
// simplified polygons; real enclaves are larger and stay out). When the outline is
// OGC-valid (the real one repaired with ST_MakeValid, as data/sample holds it), the county's
// geometry is the outline itself, its sliver holes filled, and the units along it are cut
// by it (see clip.go): the border is the real one, not a staircase, and only the crossing
// points and the outline's own vertices are off the lattice. An outline that is not valid
// is used rasterized: the county is then the union of its pixels, simplified like every
// arc (it moves in by under half a pixel), within two pixels of the real outline.
//
// The output depends only on the inputs and Options.Seed: the same seed gives byte-identical
// files.
package gen

import (
	"math"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Defaults used when an Options field is zero, and the sizes the pixel is chosen for.
const (
	DefaultGridsPerVillage = 12
	DefaultPixelDeg        = 1.0 / 2048
	// MinPixelsPerGrid is the average number of pixels per grid the automatic pixel size
	// aims at, so that grids keep an organic shape.
	MinPixelsPerGrid = 60
	// MaxHouseholds bounds Options.Households: households are held in memory.
	MaxHouseholds = 20_000_000
	// HouseholdsPerUnit is 水城区's 181,300 households over 15,997 ten-household units.
	HouseholdsPerUnit = 181300.0 / 15997.0
)

// Options control the size and randomness of a generated county.
type Options struct {
	Seed int64
	// GridsPerVillage is the average number of grids per village (0 means 12); villages get
	// between about half and 1.6 times as many, urban communities more.
	GridsPerVillage float64
	// Households is the number of households (0 means none, and no ten-household units);
	// there is one ten-household unit for about 11.3 households.
	Households int
	// PixelDeg is the pixel side in degrees, a power of two such as 1/2048; 0 chooses the
	// coarsest of 1/2048, 1/4096, ... that gives grids MinPixelsPerGrid pixels on average.
	PixelDeg float64
	// Progress, when set, is called at the start of each stage.
	Progress func(stage string)
}

// County is a generated county, ready to be written as its Files.
type County struct {
	Code, Name string
	Seed       int64
	PixelDeg   float64
	Units      []geo.Unit // county, towns, villages, grids, each level in code order
	Features   []geo.Feature
	TenHH      []geo.TenHH
	People     []geo.Responsibility
	Households []geo.Household
	// SliverPixels counts the pixels of small gaps between the outline's polygons that were
	// given to the county (see fillSlivers).
	SliverPixels int
	// RealOutline says the county is the outline itself and the border units are cut by
	// it (a valid outline); false when the outline was not OGC-valid and the county is its
	// rasterized form. CutUnits counts the units cut; CutFailures lists those the geometry
	// engine could not cut (none is expected), which keep their uncut polygon.
	RealOutline bool
	CutUnits    int
	CutFailures []string
	Elapsed     time.Duration // how long Generate took (not written to any file)
}

// Generate builds a county from its real outline (lon/lat) and its real towns and villages
// (divs, as read by ReadDivisionsCSV; rows of other counties are ignored).
func Generate(code, name string, outline orb.MultiPolygon, divs []Division, opt Options) (*County, error) {
	start := time.Now()
	if err := geo.CheckCode(geo.County, code, ""); err != nil {
		return nil, err
	}
	if opt.GridsPerVillage == 0 {
		opt.GridsPerVillage = DefaultGridsPerVillage
	}
	if opt.GridsPerVillage < 1 || opt.GridsPerVillage > 999 || math.IsNaN(opt.GridsPerVillage) {
		return nil, geo.FieldError("grids-per-village", "must be between 1 and 999 (grid codes have three digits), got %g", opt.GridsPerVillage)
	}
	if opt.Households < 0 || opt.Households > MaxHouseholds {
		return nil, geo.FieldError("households", "must be between 0 and %d, got %d", MaxHouseholds, opt.Households)
	}
	if p := opt.PixelDeg; p != 0 {
		if e := math.Log2(p); p < 0 || e != math.Trunc(e) || e < -16 || e > -8 {
			return nil, geo.FieldError("pixel", "must be a power of two between 1/65536 and 1/256 degrees (such as 1/4096 = %g), got %g", 1.0/4096, p)
		}
	}
	if len(outline) == 0 {
		return nil, geo.Errorf(geo.Invalid, "the county outline is empty")
	}
	b := newBuilder(code, name, opt)
	if err := b.divisions(divs); err != nil {
		return nil, err
	}
	b.countGrids()
	b.choosePixel(outline)
	b.progress("rasterize")
	if err := b.rasterize(outline); err != nil {
		return nil, err
	}
	b.progress("towns")
	if err := b.growTowns(); err != nil {
		return nil, err
	}
	b.progress("roads")
	b.roads()
	b.progress("villages")
	if err := b.growVillages(); err != nil {
		return nil, err
	}
	b.progress("grids")
	b.growGrids()
	b.buf = nil
	b.progress("boundaries")
	b.units()
	b.progress("features")
	if err := b.placeFeatures(); err != nil {
		return nil, err
	}
	b.progress("valleys")
	b.valleys()
	b.progress("households")
	b.households()
	b.progress("people")
	b.people()
	c := b.out
	c.Features = append(append(append(b.courtyards, b.sites...), b.valleyFeatures...), b.roadFeatures...)
	c.Elapsed = time.Since(start)
	return c, nil
}

// Count returns how many features of a layer the county has.
func (c *County) Count(l geo.Layer) int {
	n := 0
	for _, f := range c.Features {
		if f.Layer == l {
			n++
		}
	}
	return n
}

// CountLevel returns how many units of a level the county has.
func (c *County) CountLevel(l geo.Level) int {
	n := 0
	for _, u := range c.Units {
		if u.Level == l {
			n++
		}
	}
	return n
}
