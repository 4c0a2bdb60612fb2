package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"
)

// Reads of reference features and households for the followers that draw them (the tile
// sets). With ids nil they read every row, for the first load.

const featuresSQL = `
SELECT id, layer, name, county_code, ST_AsBinary(geom), attrs
FROM features WHERE $1::text[] IS NULL OR id = ANY($1)
ORDER BY id`

const householdsSQL = `
SELECT id, unit_code, address, members, ST_X(geom), ST_Y(geom)
FROM households WHERE $1::text[] IS NULL OR id = ANY($1)
ORDER BY id`

// tenhhSQL reads ten-household units with their heads, in the order and shape the
// household chain query (householdWithUnit) gives them.
const tenhhSQL = `
SELECT t.code, t.grid_code, t.name,
       coalesce((SELECT json_agg(json_build_object('role', r.role, 'name', p.name, 'phone', p.phone)
                                 ORDER BY p.name, p.id)
                 FROM responsibilities r JOIN people p ON p.id = r.person_id
                 WHERE r.tenhh_code = t.code), '[]')
FROM tenhh_units t WHERE $1::text[] IS NULL OR t.code = ANY($1)
ORDER BY t.code`

func readTenHH(ctx context.Context, q querier, codes []string) ([]geo.TenHHUnit, error) {
	rows, err := q.Query(ctx, tenhhSQL, codes)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.TenHHUnit, error) {
		var t geo.TenHHUnit
		var heads []byte
		if err := row.Scan(&t.Code, &t.GridCode, &t.Name, &heads); err != nil {
			return t, err
		}
		return t, json.Unmarshal(heads, &t.Heads)
	})
}

func readFeatures(ctx context.Context, q querier, ids []string) ([]geo.Feature, error) {
	rows, err := q.Query(ctx, featuresSQL, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Feature, error) {
		var f geo.Feature
		var g, attrs []byte
		if err := row.Scan(&f.ID, &f.Layer, &f.Name, &f.CountyCode, &g, &attrs); err != nil {
			return f, err
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return f, fmt.Errorf("feature %s: %w", f.ID, err)
		}
		f.Geom = geom
		if len(attrs) > 2 {
			if err := json.Unmarshal(attrs, &f.Attrs); err != nil {
				return f, fmt.Errorf("feature %s: attrs: %w", f.ID, err)
			}
		}
		return f, nil
	})
}

func readHouseholds(ctx context.Context, q querier, ids []string) ([]geo.Household, error) {
	rows, err := q.Query(ctx, householdsSQL, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Household, error) {
		var h geo.Household
		err := row.Scan(&h.ID, &h.UnitCode, &h.Address, &h.Members, &h.Point[0], &h.Point[1])
		return h, err
	})
}

// StateAt reads units and people, and optionally features and households (with the
// ten-household units), with the
// change-log position the read reflects, in one repeatable-read transaction: following the
// log from that position misses nothing.
func (db *DB) StateAt(ctx context.Context, features, households bool) (geo.State, error) {
	var st geo.State
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, settledSeq).Scan(&st.Seq); err != nil {
			return err
		}
		var err error
		if st.Units, st.People, err = snapshot(ctx, tx); err != nil {
			return err
		}
		if features {
			if st.Features, err = readFeatures(ctx, tx, nil); err != nil {
				return err
			}
		}
		if households {
			if st.Households, err = readHouseholds(ctx, tx, nil); err != nil {
				return err
			}
			if st.TenHH, err = readTenHH(ctx, tx, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && geo.KindOf(err) == geo.Internal {
		err = unavailable(err)
	}
	return st, err
}
