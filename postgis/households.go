package postgis

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// householdWithUnit reads a household, its ten-household unit with the unit's head(s), and
// the grid the unit belongs to.
const householdWithUnit = `
SELECT h.id, h.address, h.members, ST_X(h.geom), ST_Y(h.geom),
       t.code, t.name, t.grid_code,
       coalesce((SELECT json_agg(json_build_object('role', r.role, 'name', p.name, 'phone', p.phone)
                                 ORDER BY p.name, p.id)
                 FROM responsibilities r JOIN people p ON p.id = r.person_id
                 WHERE r.tenhh_code = t.code), '[]')
FROM households h JOIN tenhh_units t ON t.code = h.unit_code
WHERE h.id = $1`

// HouseholdChain implements geo.HouseholdFinder.
func (db *DB) HouseholdChain(ctx context.Context, id string) (geo.HouseholdChain, error) {
	hc, gridCode, err := db.household(ctx, id)
	if err != nil {
		return hc, err
	}
	hc.Chain, err = db.ChainOf(ctx, gridCode)
	return hc, err
}

// household reads a household and its ten-household unit with the unit's head(s), and
// returns the code of the unit's grid.
func (db *DB) household(ctx context.Context, id string) (geo.HouseholdChain, string, error) {
	var hc geo.HouseholdChain
	var gridCode string
	var heads []byte
	h := &hc.Household
	err := db.pool.QueryRow(ctx, householdWithUnit, id).Scan(
		&h.ID, &h.Address, &h.Members, &h.Lon, &h.Lat, &hc.Unit.Code, &hc.Unit.Name, &gridCode, &heads)
	if errors.Is(err, pgx.ErrNoRows) {
		return hc, "", geo.Errorf(geo.NotFound, "no household has id %q", id)
	}
	if err != nil {
		return hc, "", unavailable(err)
	}
	if err := json.Unmarshal(heads, &hc.Unit.People); err != nil {
		return hc, "", err
	}
	return hc, gridCode, nil
}
