package geo

import (
	"context"
	"time"

	"github.com/gridmap/gridmap/geo/cql2"
	"github.com/paulmach/orb"
)

// Collection is a set of features served through OGC API - Features: the units of one level,
// or the features of one reference layer. Households are personal data and never a
// collection.
type Collection struct {
	ID          string
	Title       string
	Description string
	Level       Level // the level of the units served, or ""
	Layer       Layer // the reference layer served, or ""
	// Queryables are the properties a filter may name, each with its type.
	Queryables []Queryable
}

// Queryable is a property a filter may name.
type Queryable struct {
	Name        string
	Type        string // "string" or "integer", as JSON Schema names them
	Description string
}

// The properties of a unit, in the order items show them.
var unitQueryables = []Queryable{
	{"code", "string", "the unit's code: its parent's code and three digits"},
	{"name", "string", "the unit's name"},
	{"parent_code", "string", "the code of the unit it lies in (none for a county)"},
	{"version", "integer", "the version, one more at every change"},
}

// The properties of a reference feature.
var featureQueryables = []Queryable{
	{"id", "string", "the feature's identifier"},
	{"name", "string", "the feature's name"},
	{"county_code", "string", "the code of the county it lies in"},
	{"version", "integer", "the version, one more at every change"},
}

var levelTitles = map[Level]string{County: "Counties (县/区)", Town: "Towns and subdistricts (镇/街道)",
	Village: "Villages and communities (村/社区)", Group: "Groups (组)", Grid: "Grids (网格)"}

var layerTitles = map[Layer]string{Courtyard: "Courtyards (自然院落)", RelocationSite: "Relocation sites (易地搬迁安置点)",
	Valley: "Valleys (沟域)", Road: "Roads (道路)", Compound: "Urban compounds (小区)", Enterprise: "Enterprises (企事业单位)"}

// Collections lists every collection: the levels from county to grid, then the reference
// layers. Callers must not modify it.
var Collections = func() []Collection {
	var cs []Collection
	for _, l := range Levels {
		cs = append(cs, Collection{ID: string(l), Title: levelTitles[l], Level: l, Queryables: unitQueryables,
			Description: "The boundaries of every " + string(l) + ", as published."})
	}
	for _, l := range Layers {
		cs = append(cs, Collection{ID: string(l), Title: layerTitles[l], Layer: l, Queryables: featureQueryables,
			Description: "The reference layer " + string(l) + " that grids are drawn from."})
	}
	return cs
}()

// Queryable returns the queryable property called name; false when there is none.
func (c Collection) Queryable(name string) (Queryable, bool) {
	for _, q := range c.Queryables {
		if q.Name == name {
			return q, true
		}
	}
	return Queryable{}, false
}

// Interval is a span of time; a zero Start or End leaves that side open. An instant has
// Start equal to End.
type Interval struct {
	Start, End time.Time
}

// ItemQuery selects features of a collection, a page at a time, in the order of their ids.
type ItemQuery struct {
	Collection Collection
	BBox       *orb.Bound // nil: anywhere; otherwise the features that intersect it
	// At, when set, selects the versions valid at an instant, or for an interval the latest
	// version valid during it; nil selects the current versions.
	At     *Interval
	Equal  map[string]string // queryable = value, all of them
	Filter cql2.Expr         // nil: none
	Limit  int
	Offset int
	// SRID is the CRS the answer's coordinates are in: 0 for CRS84 (longitude, latitude), or
	// a CGCS2000 Gauss–Krüger zone (GaussKrugerEPSG), northing then easting as EPSG orders
	// them.
	SRID int
}

// Item is one feature as OGC API - Features serves it.
type Item struct {
	ID    string
	Geom  orb.Geometry // nil for a unit known only by its code
	Props map[string]any
	// Version is the feature's stored version (in a change set: the one its edit is based
	// on, 0 for a new unit).
	Version int
	// ETag names the feature's state (quoted): see UnitETag.
	ETag string
}

// ItemPage is one page of items and how many the query matches in all.
type ItemPage struct {
	Items   []Item
	Matched int
}

// Extent is where and since when a collection has features.
type Extent struct {
	BBox  orb.Bound
	Empty bool      // no feature has a geometry: BBox means nothing
	Since time.Time // the earliest version's start; zero when unknown
}

// ItemReader reads collections' features for OGC API - Features (postgis.DB does).
type ItemReader interface {
	// Items returns the page the query asks for. A filter naming a property that is not
	// queryable, or comparing it with a value of another type, is an Invalid error about
	// the field "filter".
	Items(ctx context.Context, q ItemQuery) (ItemPage, error)
	// Item returns one feature, at the time at selects (nil: now); NotFound when there is
	// none.
	Item(ctx context.Context, c Collection, id string, at *Interval, srid int) (Item, error)
	// Extents returns the extent of every collection that has features, by collection id.
	Extents(ctx context.Context) (map[string]Extent, error)
}
