package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// As-of reads. A unit's version is valid from its valid_from up to the valid_from of the
// next one (unit_history.valid_to, written by the units_history trigger when the unit is
// updated or deleted); the current version, in units, has no end. The map at time T is
// therefore the rows of units with valid_from <= T and of unit_history with
// valid_from <= T < valid_to. Each lookup below spells that union out in place (rather than
// in a shared CTE), so the planner pushes the code or the point into both halves and uses
// their indexes. Only units have versions: the people answerable and the households are
// read as they are now.

// gridAt is deepestCoveringGrid over the units valid at $3.
const gridAt = `
SELECT code FROM (
    SELECT code FROM units
    WHERE level = 'grid' AND valid_from <= $3 AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
    UNION ALL
    SELECT code FROM unit_history
    WHERE level = 'grid' AND valid_from <= $3 AND $3 < valid_to AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
) v
ORDER BY code
LIMIT 1`

// unitAt is deepestCoveringUnit over the units valid at $3 ($4 ranks the levels).
const unitAt = `
SELECT code FROM (
    SELECT code, level FROM units
    WHERE geom IS NOT NULL AND valid_from <= $3 AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
    UNION ALL
    SELECT code, level FROM unit_history
    WHERE geom IS NOT NULL AND valid_from <= $3 AND $3 < valid_to AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
) v
ORDER BY array_position($4::text[], level) DESC, code
LIMIT 1`

// unitsValidAt are the units (without geometry) valid at $2.
const unitsValidAt = `(
    SELECT code, name, level, parent_code FROM units WHERE valid_from <= $2
    UNION ALL
    SELECT code, name, level, parent_code FROM unit_history WHERE valid_from <= $2 AND $2 < valid_to)`

// chainAt is chainOf over the units valid at $2, with the people answerable now.
var chainAt = chainFrom(unitsValidAt)

// earliestVersion is when the first version of any unit began (NULL: no units at all).
const earliestVersion = `
SELECT least((SELECT min(valid_from) FROM units), (SELECT min(valid_from) FROM unit_history))`

// ResolveAt implements geo.History: Resolve as the units stood at time at.
func (db *DB) ResolveAt(ctx context.Context, lon, lat float64, at time.Time) (geo.Chain, error) {
	var code string
	err := db.pool.QueryRow(ctx, gridAt, lon, lat, at).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		err = db.pool.QueryRow(ctx, unitAt, lon, lat, at, levelNames).Scan(&code)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return geo.Chain{}, db.notThen(ctx, at, fmt.Sprintf("no unit covered the point lon=%v lat=%v", lon, lat))
	}
	if err != nil {
		return geo.Chain{}, unavailable(err)
	}
	return db.ChainAt(ctx, code, at)
}

// ChainAt returns the chain from the county down to the unit with the given code as the
// units stood at time at, with the people answerable now. It returns a NotFound error when
// no unit had the code then.
func (db *DB) ChainAt(ctx context.Context, code string, at time.Time) (geo.Chain, error) {
	rows, err := db.pool.Query(ctx, chainAt, code, at)
	if err != nil {
		return geo.Chain{}, unavailable(err)
	}
	links, err := collectLinks(rows)
	if err != nil {
		return geo.Chain{}, err
	}
	if len(links) == 0 {
		return geo.Chain{}, db.notThen(ctx, at, fmt.Sprintf("no unit had code %q", code))
	}
	return completeChain(links), nil
}

// collectLinks reads rows of (level, code, name, people as JSON), the county first.
func collectLinks(rows pgx.Rows) ([]geo.Link, error) {
	links, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Link, error) {
		var l geo.Link
		var people []byte
		if err := row.Scan(&l.Level, &l.Code, &l.Name, &people); err != nil {
			return l, err
		}
		return l, json.Unmarshal(people, &l.People)
	})
	if err != nil {
		return nil, unavailable(err)
	}
	return links, nil
}

// notThen is the NotFound error of an as-of read that found nothing at time at; before the
// first version of any unit it says so, with the time the data begins.
func (db *DB) notThen(ctx context.Context, at time.Time, what string) error {
	when := at.In(geo.Shanghai).Format(time.RFC3339)
	var first *time.Time
	if err := db.pool.QueryRow(ctx, earliestVersion).Scan(&first); err != nil {
		return unavailable(err)
	}
	if first == nil || at.Before(*first) {
		since := "there are no units at all"
		if first != nil {
			since = "the data begins at " + first.In(geo.Shanghai).Format(time.RFC3339)
		}
		return geo.Errorf(geo.NotFound, "%s at %s: that is before any data (%s)", what, when, since)
	}
	return geo.Errorf(geo.NotFound, "%s at %s", what, when)
}

// HouseholdChainAt implements geo.History: the household, its ten-household unit and its
// head(s) as they are now, and the chain of its grid as the units stood at time at.
func (db *DB) HouseholdChainAt(ctx context.Context, id string, at time.Time) (geo.HouseholdChain, error) {
	hc, gridCode, err := db.household(ctx, id)
	if err != nil {
		return hc, err
	}
	hc.Chain, err = db.ChainAt(ctx, gridCode, at)
	if geo.KindOf(err) == geo.NotFound {
		err = db.notThen(ctx, at, fmt.Sprintf("household %s: its grid %s did not exist", id, gridCode))
	}
	return hc, err
}

// unitVersions lists every version of a unit: the current one (no valid_to) and those in
// unit_history, oldest first.
const unitVersions = `
SELECT code, version, level, name, coalesce(parent_code, ''),
       CASE WHEN $2 THEN ST_AsBinary(geom) END,
       coalesce(ST_Area(geom::geography), 0),
       valid_from, valid_to, deleted
FROM (
    SELECT code, version, level, name, parent_code, geom, valid_from, NULL::timestamptz AS valid_to, false AS deleted
    FROM units WHERE code = $1
    UNION ALL
    SELECT code, version, level, name, parent_code, geom, valid_from, valid_to, deleted
    FROM unit_history WHERE code = $1
) v
ORDER BY valid_from, version`

// UnitHistory implements geo.History.
func (db *DB) UnitHistory(ctx context.Context, code string, geometry bool) ([]geo.UnitVersion, error) {
	rows, err := db.pool.Query(ctx, unitVersions, code, geometry)
	if err != nil {
		return nil, unavailable(err)
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.UnitVersion, error) {
		var v geo.UnitVersion
		var g []byte
		if err := row.Scan(&v.Code, &v.Version, &v.Level, &v.Name, &v.ParentCode, &g, &v.AreaM2,
			&v.ValidFrom, &v.ValidTo, &v.Deleted); err != nil {
			return v, err
		}
		if g == nil {
			return v, nil
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return v, fmt.Errorf("unit %s version %d: %w", v.Code, v.Version, err)
		}
		mp, ok := geom.(orb.MultiPolygon)
		if !ok {
			return v, fmt.Errorf("unit %s version %d: geometry is %s, not a MultiPolygon", v.Code, v.Version, geom.GeoJSONType())
		}
		v.Geom = mp
		return v, nil
	})
	if err != nil {
		return nil, unavailable(err)
	}
	if len(vs) == 0 {
		return nil, geo.Errorf(geo.NotFound, "no unit has ever had code %q", code)
	}
	return vs, nil
}
