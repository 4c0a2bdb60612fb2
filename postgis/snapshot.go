package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
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
	rows, err := db.Pool.Query(ctx, allUnits)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	var units []geo.Unit
	for rows.Next() {
		var u geo.Unit
		var g []byte
		if err := rows.Scan(&u.Code, &u.Level, &u.Name, &u.ParentCode, &g, &u.Version); err != nil {
			rows.Close()
			return nil, nil, unavailable(err)
		}
		if g != nil {
			geom, err := wkb.Unmarshal(g)
			if err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("unit %s: %w", u.Code, err)
			}
			mp, ok := geom.(orb.MultiPolygon)
			if !ok {
				rows.Close()
				return nil, nil, fmt.Errorf("unit %s: geometry is %s, not a MultiPolygon", u.Code, geom.GeoJSONType())
			}
			u.Geom = mp
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, unavailable(err)
	}
	rows, err = db.Pool.Query(ctx, allResponsibilities)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	var people []geo.Responsibility
	for rows.Next() {
		var r geo.Responsibility
		if err := rows.Scan(&r.PersonID, &r.Name, &r.Phone, &r.Role, &r.UnitCode); err != nil {
			rows.Close()
			return nil, nil, unavailable(err)
		}
		people = append(people, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, unavailable(err)
	}
	return units, people, nil
}
