package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// The operations that keep coverage by construction: each computes the new shapes of all
// the units it touches from one input, in one PostGIS overlay, so a shared edge is never
// drawn twice. They work on the set's view, like free-form edits, and bump the ETags of
// the units they change.

// tolDegrees is the tolerance in degrees, near enough at any latitude for deciding which
// boundaries meet.
const tolDegrees = geo.DefaultTolerance / 111320.0

// inSet runs op in a transaction holding the open set's lock, over its view.
func (db *DB) inSet(ctx context.Context, id int64, op func(tx pgx.Tx, v *setView) error) error {
	tx, cs, err := db.openSetTx(ctx, id)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	v, err := loadView(ctx, tx, cs)
	if err != nil {
		return err
	}
	if err := op(tx, v); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// leaf returns the live unit with code that has a boundary and no units under it: the only
// kind the operations reshape (a village's outline follows its grids, not the reverse).
func (v *setView) leaf(field, code string) (*viewUnit, error) {
	u, ok := v.live(code)
	if !ok {
		return nil, geo.FieldError(field, "no unit %q in change set %d", code, v.cs.ID)
	}
	if u.Geom == nil {
		return nil, geo.FieldError(field, "unit %s has no boundary", code)
	}
	if n := len(v.children(code)); n > 0 {
		return nil, geo.FieldError(field, "unit %s has %d units under it: reshape those instead", code, n)
	}
	return u, nil
}

// siblings returns the two leaves a and b, which must share a parent.
func (v *setView) siblings(fa, a, fb, b string) (*viewUnit, *viewUnit, error) {
	ua, err := v.leaf(fa, a)
	if err != nil {
		return nil, nil, err
	}
	ub, err := v.leaf(fb, b)
	if err != nil {
		return nil, nil, err
	}
	if a == b {
		return nil, nil, geo.FieldError(fb, "name two different units")
	}
	if ua.ParentCode != ub.ParentCode {
		return nil, nil, geo.FieldError(fb, "%s and %s lie under different parents", a, b)
	}
	return ua, ub, nil
}

func ewkbOf(field string, g orb.Geometry) ([]byte, error) {
	b, err := ewkb.Marshal(g, 4326)
	if err != nil {
		return nil, geo.FieldError(field, "%v", err)
	}
	return b, nil
}

// sharedEdgeSQL: $1, $2 two boundaries, $3 the tolerance in degrees. How long, in metres,
// a's boundary runs within the tolerance of b's.
const sharedEdgeSQL = `
SELECT ST_Length(ST_Intersection(ST_Boundary(ST_GeomFromEWKB($1)), ST_Buffer(ST_Boundary(ST_GeomFromEWKB($2)), $3))) * 111320`

// checkNeighbours refuses two units that do not share an edge longer than twice the
// tolerance (touching at a point is not sharing an edge).
func checkNeighbours(ctx context.Context, tx pgx.Tx, field string, a, b *viewUnit) error {
	ga, err := ewkbOf(field, a.Geom)
	if err != nil {
		return err
	}
	gb, err := ewkbOf(field, b.Geom)
	if err != nil {
		return err
	}
	var shared float64
	if err := tx.QueryRow(ctx, sharedEdgeSQL, ga, gb, tolDegrees).Scan(&shared); err != nil {
		return geometryError(field, err)
	}
	if shared <= 2*geo.DefaultTolerance {
		return geo.FieldError(field, "%s and %s do not share an edge", a.Code, b.Code)
	}
	return nil
}

// nextCodeSQL: the number after every one used under $1, or when 999 is taken (a code
// written by hand can take it) the lowest free one; 0 when none is free.
const nextCodeSQL = `
WITH used AS (
    SELECT right(code, 3)::int n FROM (
        SELECT code FROM units WHERE parent_code = $1
        UNION ALL SELECT code FROM unit_history WHERE parent_code = $1
        UNION ALL SELECT code FROM changeset_units WHERE parent_code = $1
    ) c WHERE length(code) = length($1) + 3)
SELECT coalesce((SELECT max(n) + 1 FROM used HAVING coalesce(max(n), 0) < 999),
                (SELECT min(g) FROM generate_series(1, 999) g WHERE g NOT IN (SELECT n FROM used)),
                0)`

// nextCode is the first code under parent after every code a unit has, had or is drafted
// with: codes are never reused. Once the last, 999, is used (one draft written by hand
// with it would otherwise stop every set numbering units there) it is the lowest free one.
func nextCode(ctx context.Context, tx pgx.Tx, parent string) (string, error) {
	var n int
	if err := tx.QueryRow(ctx, nextCodeSQL, parent).Scan(&n); err != nil {
		return "", unavailable(err)
	}
	if n == 0 {
		return "", geo.Errorf(geo.Conflict, "no free code is left under %s", parent)
	}
	return fmt.Sprintf("%s%03d", parent, n), nil
}

// splitSQL: $1 a boundary, $2 a line. The pieces the line cuts it into, largest first.
const splitSQL = `
SELECT ST_AsBinary(ST_Multi(d.geom)) FROM ST_Dump(ST_Split(ST_GeomFromEWKB($1), ST_GeomFromEWKB($2))) d
ORDER BY ST_Area(d.geom::geography) DESC`

// SplitUnit cuts the unit code in two along line, which must cross it once from edge to
// edge: the unit keeps the larger piece, the other becomes a new unit of the same level
// under the same parent, with the next free code and newName (default: the unit's name and
// the new code's last digits). It returns both, the unit first.
func (db *DB) SplitUnit(ctx context.Context, id int64, code string, line orb.LineString, newName string) ([]geo.EditedUnit, error) {
	var out []geo.EditedUnit
	err := db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		u, err := v.leaf("code", code)
		if err != nil {
			return err
		}
		if ps := geo.CheckLinear(line); len(ps) > 0 {
			return geo.FieldError("line", "%s", strings.Join(ps, "; "))
		}
		g, err := ewkbOf("code", u.Geom)
		if err != nil {
			return err
		}
		l, err := ewkbOf("line", line)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, splitSQL, g, l)
		if err != nil {
			return geometryError("line", err)
		}
		pieces, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orb.MultiPolygon, error) {
			var b []byte
			if err := r.Scan(&b); err != nil {
				return nil, err
			}
			return multiPolygonOf(b)
		})
		if err != nil {
			return geometryError("line", err)
		}
		if len(pieces) == 2 && len(u.Geom) == 2 {
			// The unit's own two parts: the line cut nothing.
			return geo.FieldError("line", "the line does not cut %s: draw one that crosses it once, from edge to edge", code)
		}
		if len(pieces) != 2 {
			return geo.FieldError("line", "the line cuts %s into %d pieces: draw one that crosses it once, from edge to edge", code, len(pieces))
		}
		newCode, err := nextCode(ctx, tx, u.ParentCode)
		if err != nil {
			return err
		}
		if newName == "" {
			newName = u.Name + " " + newCode[len(newCode)-3:]
		}
		kept := u.Unit
		kept.Geom = pieces[0]
		made := geo.Unit{Code: newCode, Name: newName, Level: u.Level, ParentCode: u.ParentCode, Geom: pieces[1]}
		for _, x := range []geo.Unit{kept, made} {
			e, err := putEdit(ctx, tx, v, x, u.parentLevel)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// mergeSQL: $1 kept, $2 other, $3 tolerance in degrees. Their union, the kept one snapped
// to the other first so their shared edge leaves no sliver.
const mergeSQL = `
SELECT ST_AsBinary(ST_Multi(ST_CollectionExtract(ST_Union(ST_Snap(a, b, $3), b), 3)))
FROM ST_GeomFromEWKB($1) a, ST_GeomFromEWKB($2) b`

// MergeUnits joins other into keep: keep takes the union of both, other is deleted. They
// must be siblings without units under them and share an edge. It returns keep.
func (db *DB) MergeUnits(ctx context.Context, id int64, keep, other string) ([]geo.EditedUnit, error) {
	var out []geo.EditedUnit
	err := db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		a, b, err := v.siblings("code", keep, "with", other)
		if err != nil {
			return err
		}
		if err := checkNeighbours(ctx, tx, "with", a, b); err != nil {
			return err
		}
		g, err := overlay(ctx, tx, mergeSQL, a.Geom, b.Geom)
		if err != nil || g == nil {
			return err
		}
		merged := a.Unit
		merged.Geom = g[0]
		e, err := putEdit(ctx, tx, v, merged, a.parentLevel)
		if err != nil {
			return err
		}
		out = append(out, e)
		return deleteEdit(ctx, tx, v, other, "")
	})
	return out, err
}

// overlay runs one of the operations' queries over the boundaries a and b, the tolerance
// and further geometries, and reads the boundaries of its one row; nil when it answers no
// row.
func overlay(ctx context.Context, tx pgx.Tx, sql string, a, b orb.MultiPolygon, extra ...orb.Geometry) ([]orb.MultiPolygon, error) {
	args := []any{}
	for _, g := range []orb.Geometry{a, b} {
		w, err := ewkbOf("code", g)
		if err != nil {
			return nil, err
		}
		args = append(args, w)
	}
	args = append(args, tolDegrees)
	for _, g := range extra {
		w, err := ewkbOf("line", g)
		if err != nil {
			return nil, err
		}
		args = append(args, w)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, geometryError("geometry", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, geometryError("geometry", err)
		}
		return nil, nil
	}
	vals, err := rows.Values()
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]orb.MultiPolygon, len(vals))
	for i, val := range vals {
		b, _ := val.([]byte)
		if out[i], err = multiPolygonOf(b); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// moveBoundarySQL: $1 a, $2 b, $3 tolerance in degrees, $4 the new line between them. The
// union of both cut by the line; each piece goes to the unit that held most of it before.
// Both stay together exactly what they were together: no gap, no overlap.
const moveBoundarySQL = `
WITH a AS (SELECT ST_GeomFromEWKB($1) g), b AS (SELECT ST_GeomFromEWKB($2) g),
u AS (SELECT ST_Union(ST_Snap(a.g, b.g, $3), b.g) g FROM a, b),
p AS (SELECT d.geom g FROM u, ST_Dump(ST_Split(u.g, ST_GeomFromEWKB($4))) d),
s AS (SELECT p.g, ST_Area(ST_Intersection(p.g, a.g)) >= ST_Area(ST_Intersection(p.g, b.g)) AS to_a FROM p, a, b)
SELECT ST_AsBinary(ST_Multi(ST_Union(g) FILTER (WHERE to_a))),
       ST_AsBinary(ST_Multi(ST_Union(g) FILTER (WHERE NOT to_a)))
FROM s HAVING count(*) > 1`

// MoveBoundary redraws the boundary between neighbours a and b along line, which must
// cross their union from edge to edge: both change together, and together they cover what
// they covered before. It returns both.
func (db *DB) MoveBoundary(ctx context.Context, id int64, a, b string, line orb.LineString) ([]geo.EditedUnit, error) {
	var out []geo.EditedUnit
	err := db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		ua, ub, err := v.siblings("codes", a, "codes", b)
		if err != nil {
			return err
		}
		if ps := geo.CheckLinear(line); len(ps) > 0 {
			return geo.FieldError("line", "%s", strings.Join(ps, "; "))
		}
		if err := checkNeighbours(ctx, tx, "codes", ua, ub); err != nil {
			return err
		}
		gs, err := overlay(ctx, tx, moveBoundarySQL, ua.Geom, ub.Geom, line)
		if err != nil {
			return err
		}
		if gs == nil {
			return geo.FieldError("line", "the line does not cross %s and %s from edge to edge", a, b)
		}
		for i, u := range []*viewUnit{ua, ub} {
			if gs[i] == nil {
				return geo.FieldError("line", "the new boundary leaves nothing of %s", u.Code)
			}
			x := u.Unit
			x.Geom = gs[i]
			e, err := putEdit(ctx, tx, v, x, u.parentLevel)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
