// Package tiles renders Mapbox Vector Tiles (MVT 2.1, Web Mercator XYZ) from features held in
// memory, and caches the rendered tiles.
//
// A Set is an immutable tileset: named layers of features with a spatial index per layer.
// Render draws one tile from it; Update returns a new Set that shares everything it did not
// change, so the HTTP side can swap sets under readers without locks and a follower of the
// change log can apply one edit without re-indexing a province.
//
// Geometry is simplified per zoom by a rule that looks at one vertex at a time: every vertex is
// projected to global pixel coordinates at the tile's zoom and rounded, then repeated and
// exactly collinear points are dropped and rings that collapse are removed. Two neighbouring
// polygons whose shared edge has the same coordinates in the input therefore keep the same
// edge in every tile: no slivers, no gaps. Per-polygon line simplification (Douglas-Peucker)
// would simplify the two sides of an edge differently, so it is not used.
//
// The package does no I/O: the api package serves the tiles, the postgis package feeds the
// features.
package tiles

// Extent is the size of a tile in MVT units, and Buffer how far beyond its edges geometry is
// kept, in the same units, so that strokes and labels join across tile edges.
const (
	Extent = 4096
	Buffer = 64
)

// MaxZoom is the deepest zoom Render accepts. World coordinates are held as 32-bit fractions
// of the Web Mercator square, which is exact pixel precision to zoom 20; past that the
// rounding rule still holds, it just has nothing left to round.
const MaxZoom = 24
