package postgis

import (
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
)

// tenhhPipeline loads tenhh.csv: ten-household units under stored grids.
var tenhhPipeline = pipeline[geo.TenHH]{
	read:     importfile.ReadTenHH,
	validate: geo.ValidateTenHH,
	table:    "import_tenhh",
	columns:  []string{"code text NOT NULL", "grid_code text NOT NULL", "name text NOT NULL"},
	row: func(t geo.TenHH) ([]any, error) {
		return []any{t.Code, t.GridCode, t.Name}, nil
	},
	checks:    []check{{sql: tenhhGridSQL, problem: tenhhGridProblem}},
	upsertSQL: upsertTenHHSQL,
}

// tenhhGridSQL finds ten-household units whose grid is not stored, or is not a grid.
const tenhhGridSQL = `
SELECT s.idx, s.code, s.grid_code, u.level
FROM import_tenhh s
LEFT JOIN units u ON u.code = s.grid_code
WHERE u.level IS DISTINCT FROM 'grid'
ORDER BY s.idx`

func tenhhGridProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var grid string
	var level *string
	p, err := scanProblem(r, "grid_code", &grid, &level)
	if err != nil {
		return p, err
	}
	p.Message = fmt.Sprintf("grid %s is not in the database", grid)
	if level != nil {
		p.Message = fmt.Sprintf("%s is a %s, not a grid", grid, *level)
	}
	return p, nil
}

const upsertTenHHSQL = `
    INSERT INTO tenhh_units AS t (code, grid_code, name)
    SELECT code, grid_code, name FROM import_tenhh
    ON CONFLICT (code) DO UPDATE SET grid_code = EXCLUDED.grid_code, name = EXCLUDED.name
    WHERE (t.grid_code, t.name) IS DISTINCT FROM (EXCLUDED.grid_code, EXCLUDED.name)`

// householdPipeline loads households.csv. Each household's ten-household unit must be
// stored and its point must lie inside that unit's grid.
var householdPipeline = pipeline[geo.Household]{
	read:     importfile.ReadHouseholds,
	validate: geo.ValidateHouseholds,
	table:    "import_households",
	columns: []string{"id text NOT NULL", "unit_code text NOT NULL", "address text NOT NULL",
		"members integer NOT NULL", "geom geometry(Point, 4326) NOT NULL"},
	// Points go as EWKB, PostGIS's binary input, straight into a geometry column.
	row: func(h geo.Household) ([]any, error) {
		return []any{h.ID, h.UnitCode, h.Address, int32(h.Members), ewkb.MustMarshal(h.Point, 4326)}, nil
	},
	analyze:   true,
	checks:    []check{{sql: householdPlaceSQL, problem: householdProblem}},
	upsertSQL: upsertHouseholdsSQL,
}

// householdPlaceSQL finds households whose ten-household unit is not stored, whose grid
// has no boundary, or whose point lies outside that grid, with the distance to the grid in
// metres. ST_Covers, not ST_Contains, so a point on the grid's edge counts as inside.
const householdPlaceSQL = `
SELECT s.idx, s.id, s.unit_code, ST_X(s.geom), ST_Y(s.geom), t.grid_code, g.geom IS NOT NULL,
       CASE WHEN g.geom IS NOT NULL THEN ST_Distance(g.geom::geography, s.geom::geography) END
FROM import_households s
LEFT JOIN tenhh_units t ON t.code = s.unit_code
LEFT JOIN units g ON g.code = t.grid_code
WHERE t.code IS NULL OR g.geom IS NULL OR NOT ST_Covers(g.geom, s.geom)
ORDER BY s.idx`

func householdProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var unit string
	var lon, lat float64
	var grid *string
	var hasBoundary bool
	var dist *float64
	p, err := scanProblem(r, "unit_code", &unit, &lon, &lat, &grid, &hasBoundary, &dist)
	if err != nil {
		return p, err
	}
	switch {
	case grid == nil:
		p.Message = fmt.Sprintf("ten-household unit %s is not in the database: load tenhh.csv first", unit)
	case !hasBoundary:
		p.Message = fmt.Sprintf("grid %s of unit %s has no boundary to place the household in", *grid, unit)
	default:
		p.Field = "lon,lat"
		p.Message = fmt.Sprintf("point %.6f,%.6f lies outside grid %s of unit %s (%.0f m from it)", lon, lat, *grid, unit, *dist)
	}
	return p, nil
}

const upsertHouseholdsSQL = `
    INSERT INTO households AS h (id, unit_code, address, members, geom)
    SELECT id, unit_code, address, members, geom FROM import_households
    ORDER BY geom -- PostGIS sorts points along a space-filling curve: the GiST index fills faster
    ON CONFLICT (id) DO UPDATE SET
        unit_code = EXCLUDED.unit_code, address = EXCLUDED.address,
        members = EXCLUDED.members, geom = EXCLUDED.geom
    WHERE (h.unit_code, h.address, h.members, h.geom)
          IS DISTINCT FROM
          (EXCLUDED.unit_code, EXCLUDED.address, EXCLUDED.members, EXCLUDED.geom)`
