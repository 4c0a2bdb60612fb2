package postgis

import (
	"context"
	"errors"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
)

// moveAreaSQL: $1 from, $2 to, $3 tolerance in degrees, $4 the area. The part of from
// inside the area, its area in m², whether it touches to, and both new boundaries.
const moveAreaSQL = `
WITH f AS (SELECT ST_GeomFromEWKB($1) g), t AS (SELECT ST_GeomFromEWKB($2) g),
piece AS (SELECT ST_CollectionExtract(ST_Intersection(f.g, ST_GeomFromEWKB($4)), 3) g FROM f)
SELECT ST_AsBinary(ST_Multi(ST_CollectionExtract(ST_Difference(f.g, piece.g), 3))),
       ST_AsBinary(ST_Multi(ST_CollectionExtract(ST_Union(ST_Snap(t.g, f.g, $3), piece.g), 3))),
       ST_Area(piece.g::geography), ST_DWithin(piece.g, t.g, $3)
FROM f, t, piece`

// MoveArea gives the part of unit from that lies inside area to its neighbour to: from
// loses it, to gains it, so together they cover what they covered. The part must touch to,
// and from must keep something. It returns both, from first.
func (db *DB) MoveArea(ctx context.Context, id int64, from, to string, area orb.Polygon) ([]geo.EditedUnit, error) {
	var out []geo.EditedUnit
	err := db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		uf, ut, err := v.siblings("from", from, "to", to)
		if err != nil {
			return err
		}
		if ps := geo.CheckPolygonal(area); len(ps) > 0 {
			return geo.FieldError("area", "%s", strings.Join(ps, "; "))
		}
		if m := geo.CheckDrawnSize(orb.MultiPolygon{area}); m != "" {
			return geo.FieldError("area", "%s", m)
		}
		if err := checkNeighbours(ctx, tx, "to", uf, ut); err != nil {
			return err
		}
		args, err := ewkbArgs(uf.Geom, ut.Geom)
		if err != nil {
			return err
		}
		a, err := ewkbOf("area", area)
		if err != nil {
			return err
		}
		var gf, gt []byte
		var moved float64
		var touches bool
		if err := tx.QueryRow(ctx, moveAreaSQL, args[0], args[1], tolDegrees, a).Scan(&gf, &gt, &moved, &touches); err != nil {
			return geometryError("area", err)
		}
		switch {
		case moved == 0:
			return geo.FieldError("area", "the area does not overlap %s", from)
		case !touches:
			return geo.FieldError("area", "the part of %s inside the area does not touch %s", from, to)
		case gf == nil:
			return geo.FieldError("area", "the area takes all of %s: merge it instead", from)
		}
		for _, x := range []struct {
			u *viewUnit
			g []byte
		}{{uf, gf}, {ut, gt}} {
			u := x.u.Unit
			if u.Geom, err = multiPolygonOf(x.g); err != nil {
				return err
			}
			e, err := putEdit(ctx, tx, v, u, x.u.parentLevel)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// gapAtSQL: $1 the parent, $2 its children, $3 lon, $4 lat. The piece of the parent no
// child covers that holds the point.
const gapAtSQL = `
WITH kids AS (SELECT ST_Union(ST_GeomFromEWKB(g)) g FROM unnest($2::bytea[]) g),
gap AS (SELECT ST_CollectionExtract(ST_Difference(ST_GeomFromEWKB($1), coalesce(kids.g, 'SRID=4326;POLYGON EMPTY'::geometry)), 3) g FROM kids)
SELECT ST_AsBinary(ST_Multi(d.geom)) FROM gap, ST_Dump(gap.g) d
WHERE ST_Intersects(d.geom, ST_SetSRID(ST_Point($3, $4), 4326))
LIMIT 1`

// CreateFromGap makes a new unit of level (default grid) under parent from the piece of
// the parent that no child covers at the point at, with the next free code and name
// (default: the parent's name and the new code's last digits).
func (db *DB) CreateFromGap(ctx context.Context, id int64, parent string, at orb.Point, level geo.Level, name string) (geo.EditedUnit, error) {
	var out geo.EditedUnit
	err := db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		pg, ok := v.geomOf(parent)
		if !ok || pg == nil {
			return geo.FieldError("parent", "no unit %q with a boundary in change set %d", parent, v.cs.ID)
		}
		if m := geo.CheckLonLat(at); m != "" {
			return geo.FieldError("point", "%s", m)
		}
		var kids [][]byte
		for _, k := range v.children(parent) {
			if k.Geom != nil {
				b, err := ewkbOf("parent", k.Geom)
				if err != nil {
					return err
				}
				kids = append(kids, b)
			}
		}
		p, err := ewkbOf("parent", pg)
		if err != nil {
			return err
		}
		var g []byte
		err = tx.QueryRow(ctx, gapAtSQL, p, kids, at[0], at[1]).Scan(&g)
		if errors.Is(err, pgx.ErrNoRows) {
			return geo.FieldError("point", "no part of %s is uncovered at this point", parent)
		}
		if err != nil {
			return geometryError("parent", err)
		}
		code, err := nextCode(ctx, tx, parent)
		if err != nil {
			return err
		}
		if level == "" {
			level = geo.Grid
		}
		if name == "" {
			pu, _ := v.live(parent)
			if pu != nil {
				name = pu.Name + " " + code[len(code)-3:]
			} else {
				name = v.parent.Name + " " + code[len(code)-3:]
			}
		}
		u := geo.Unit{Code: code, Name: name, Level: level, ParentCode: parent}
		if u.Geom, err = multiPolygonOf(g); err != nil {
			return err
		}
		parentLevel, err := v.checkUnit(&u)
		if err != nil {
			return err
		}
		out, err = putEdit(ctx, tx, v, u, parentLevel)
		return err
	})
	return out, err
}

func ewkbArgs(gs ...orb.MultiPolygon) ([][]byte, error) {
	out := make([][]byte, len(gs))
	for i, g := range gs {
		b, err := ewkbOf("code", g)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// geometryError turns a PostGIS failure to compute on the input (a GEOS exception, a bad
// geometry) into an Invalid error about field; other errors mean the database.
func geometryError(field string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "XX") || strings.HasPrefix(pe.Code, "22")) {
		return &geo.Error{Kind: geo.Invalid, Field: field, Message: "PostGIS cannot compute with this shape: " + pe.Message, Err: err}
	}
	return unavailable(err)
}

var _ geo.ChangeSets = (*DB)(nil)
