package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// allUnits reads every current unit with its boundary as WKB (the in-memory index is built
// from it).
const allUnits = `
SELECT code, level, name, coalesce(parent_code, ''), ST_AsBinary(geom), version
FROM units
ORDER BY code`

// allResponsibilities reads who answers for which unit (ten-household heads excluded: the
// index holds units only).
const allResponsibilities = `
SELECT p.id, p.name, p.phone, r.role, r.unit_code
FROM responsibilities r JOIN people p ON p.id = r.person_id
WHERE r.unit_code IS NOT NULL
ORDER BY r.unit_code, r.role, p.name, p.id`

// Snapshot reads all units and the people answerable for them, for building an in-memory
// resolver index. It returns an Unavailable error when the database cannot be read.
func (db *DB) Snapshot(ctx context.Context) ([]geo.Unit, []geo.Responsibility, error) {
	units, people, _, err := db.SnapshotAt(ctx)
	return units, people, err
}

// querier is what a pool and a transaction share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func snapshot(ctx context.Context, q querier) ([]geo.Unit, []geo.Responsibility, error) {
	rows, err := q.Query(ctx, allUnits)
	if err != nil {
		return nil, nil, err
	}
	units, err := scanUnits(rows)
	if err != nil {
		return nil, nil, err
	}
	rows, err = q.Query(ctx, allResponsibilities)
	if err != nil {
		return nil, nil, err
	}
	people, err := scanResponsibilities(rows)
	return units, people, err
}

// scanResponsibilities reads rows of (person id, name, phone, role, unit code).
func scanResponsibilities(rows pgx.Rows) ([]geo.Responsibility, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Responsibility, error) {
		var r geo.Responsibility
		err := row.Scan(&r.PersonID, &r.Name, &r.Phone, &r.Role, &r.UnitCode)
		return r, err
	})
}

// scanUnits reads rows of (code, level, name, parent_code, WKB geometry, version).
func scanUnits(rows pgx.Rows) ([]geo.Unit, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Unit, error) {
		var u geo.Unit
		var g []byte
		if err := row.Scan(&u.Code, &u.Level, &u.Name, &u.ParentCode, &g, &u.Version); err != nil {
			return u, err
		}
		if g == nil {
			return u, nil
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return u, fmt.Errorf("unit %s: %w", u.Code, err)
		}
		mp, ok := geom.(orb.MultiPolygon)
		if !ok {
			return u, fmt.Errorf("unit %s: geometry is %s, not a MultiPolygon", u.Code, geom.GeoJSONType())
		}
		u.Geom = mp
		return u, nil
	})
}
