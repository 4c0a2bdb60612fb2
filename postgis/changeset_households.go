package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
)

// A household belongs to a grid through its ten-household unit, whose code extends the
// grid's; the import places no household outside its grid. An edit that moves a grid's
// boundary (a split, a moved boundary or area) can leave some of its households in a
// neighbour: their chains would still answer the old grid while a lookup at their place
// answers the new one. Validation says so, per old grid and the grid they now lie in,
// with counts and the ten-household units to move, and no household's id or place: the
// findings are shown to planners, who may not read personal data.

// householdsOutsideSQL: $1 the edited grids' codes, $2 the codes and $3 the boundaries
// (EWKB) of every grid under the same parent as the edit leaves them. For each edited grid
// whose households lie outside it: the grid they lie in now (empty for none), how many and the
// ten-household units they belong to.
const householdsOutsideSQL = `
WITH grids AS (
    SELECT code, ST_GeomFromEWKB(g) AS geom FROM unnest($2::text[], $3::bytea[]) AS c(code, g)
),
stray AS (
    SELECT t.grid_code AS owner, t.code AS unit, h.geom
    FROM grids g
    JOIN tenhh_units t ON t.grid_code = g.code
    JOIN households h ON h.unit_code = t.code
    WHERE g.code = ANY($1) AND NOT ST_Covers(g.geom, h.geom)
)
SELECT s.owner, coalesce(n.code, ''), count(*), array_agg(DISTINCT s.unit ORDER BY s.unit)
FROM stray s
LEFT JOIN LATERAL (
    SELECT g.code FROM grids g WHERE g.geom && s.geom AND ST_Covers(g.geom, s.geom) ORDER BY g.code LIMIT 1
) n ON true
GROUP BY 1, 2
ORDER BY 1, 2`

// householdsOutside finds the households of the edited grids among kids (the children of
// parent as the set leaves them) that lie outside their grid.
func householdsOutside(ctx context.Context, q querier, parent string, kids []geo.Candidate, edited map[string]bool) ([]geo.Finding, error) {
	var editedGrids, codes []string
	var geoms [][]byte
	for _, k := range kids {
		if k.Level != geo.Grid {
			continue
		}
		g, err := ewkb.Marshal(k.Geom, 4326)
		if err != nil {
			return nil, fmt.Errorf("unit %s: %w", k.Code, err)
		}
		codes, geoms = append(codes, k.Code), append(geoms, g)
		if edited[k.Code] {
			editedGrids = append(editedGrids, k.Code)
		}
	}
	if len(editedGrids) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, householdsOutsideSQL, editedGrids, codes, geoms)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Finding, error) {
		f := geo.Finding{Kind: geo.HouseholdsOutside, Severity: geo.SeverityWarning, Parent: parent}
		var owner, now string
		var n int
		var units []string
		if err := r.Scan(&owner, &now, &n, &units); err != nil {
			return f, err
		}
		where := "in no grid"
		f.Units = []string{owner}
		if now != "" {
			where = "in grid " + now
			f.Units = append(f.Units, now)
		}
		f.Message = fmt.Sprintf("%d %s of grid %s would lie %s (ten-household %s %s): household lookups answer grid %s until %s moved",
			n, plural(n, "household", "households"), owner, where, plural(len(units), "unit", "units"), strings.Join(units, ", "),
			owner, plural(len(units), "that unit is", "those units are"))
		return f, nil
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
