package postgis

import (
	"fmt"
	"io"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
)

// outsideTolerance is how much of a unit, in square metres, may lie outside its parent
// before the import refuses it: boundaries drawn along the parent's edge never match it to
// the last digit, and a sliver of a few square metres is noise, not a mistake.
const outsideTolerance = 50.0

// unitPipeline loads units.geojson: units of any level, in any order, with boundaries. A
// unit that exists is replaced only when something in it changed, so its history gains a
// version only then.
// Once its shapes pass, the file's coverage is checked (import_coverage.go).
var unitPipeline = withCoverage(unitsFrom(importfile.ReadUnits, upsertUnitsSQL,
	invalidGeometryCheck("import_units", "code"),
	check{sql: unitOutsideSQL, problem: unitOutsideProblem, args: []any{invalidIdx, outsideTolerance}}))

func withCoverage(p pipeline[geo.Unit]) pipeline[geo.Unit] {
	p.coverage = checkImportCoverage
	return p
}

// divisionPipeline loads divisions.csv: units known by code, name, level and parent only.
// Loading a division that exists updates its name, level and parent but keeps its boundary
// and attributes; without boundaries there are no geometric checks.
var divisionPipeline = unitsFrom(importfile.ReadDivisions, upsertDivisionsSQL)

// unitsFrom is the pipeline of units read by read and stored by upsertSQL, with the checks
// every unit needs followed by geometric.
func unitsFrom(read func(io.Reader) (importfile.Rows[geo.Unit], error), upsertSQL string, geometric ...check) pipeline[geo.Unit] {
	return pipeline[geo.Unit]{
		read:     read,
		validate: geo.ValidateUnits,
		table:    "import_units",
		columns: []string{"code text NOT NULL", "name text NOT NULL", "level text NOT NULL",
			"parent_code text", "parent_level text", "geom geometry", "attrs jsonb NOT NULL"},
		row:     unitRow,
		analyze: true,
		checks: append([]check{
			{sql: unitParentSQL, problem: unitParentProblem},
			{sql: unitLevelChangeSQL, problem: unitLevelChangeProblem},
		}, geometric...),
		upsertSQL: upsertSQL,
	}
}

// unitRow is a unit's row of import_units. Geometry goes as EWKB, which is PostGIS's binary
// input format, so COPY needs no per-row SQL function.
func unitRow(u geo.Unit) ([]any, error) {
	var parent, parentLevel, geom any // NULL unless set
	var err error
	if u.ParentCode != "" {
		parent = u.ParentCode
		parentLevel = string(geo.ParentLevel(u.Level, len(u.Code)))
	}
	if len(u.Geom) > 0 {
		b, merr := ewkb.Marshal(u.Geom, 4326) // CGCS2000 input is stored as WGS84 unchanged
		if merr != nil {
			err = fmt.Errorf("unit %s: %w", u.Code, merr)
		}
		geom = b
	}
	attrs := u.Attrs
	if attrs == nil {
		attrs = map[string]any{}
	}
	return []any{u.Code, u.Name, string(u.Level), parent, parentLevel, geom, attrs}, err
}

// unitParentSQL finds units whose parent is neither in the file nor in the database, or is
// there at another level than the child's level and code length call for. A parent in the
// file wins over the stored one, since the file replaces it.
const unitParentSQL = `
SELECT s.idx, s.code, s.parent_code, s.parent_level, coalesce(f.level, u.level)
FROM import_units s
LEFT JOIN import_units f ON f.code = s.parent_code
LEFT JOIN units u ON u.code = s.parent_code
WHERE s.parent_code IS NOT NULL
  AND coalesce(f.level, u.level) IS DISTINCT FROM s.parent_level
ORDER BY s.idx`

// unitLevelChangeSQL finds stored units whose level the file changes while they have
// stored children the file does not bring along: those children would point at a parent
// level that no longer exists.
const unitLevelChangeSQL = `
SELECT s.idx, s.code, u.level, s.level, count(*)
FROM import_units s
JOIN units u ON u.code = s.code AND u.level <> s.level
JOIN units c ON c.parent_code = u.code AND c.parent_level = u.level
WHERE NOT EXISTS (SELECT 1 FROM import_units f WHERE f.code = c.code)
GROUP BY s.idx, s.code, u.level, s.level
ORDER BY s.idx`

// unitOutsideSQL finds units that stick out of their parent (from the file, else stored)
// by more than $2 square metres, measured on the spheroid, with a point in the largest
// piece outside. $1 lists the units with invalid geometry, on which GEOS cannot compute.
// ST_CoveredBy first: it is cheap and settles almost every unit without a difference.
const unitOutsideSQL = `
WITH pairs AS (
    SELECT s.idx, s.code, s.parent_code, s.geom AS child, coalesce(f.geom, u.geom) AS parent
    FROM import_units s
    LEFT JOIN import_units f ON f.code = s.parent_code
    LEFT JOIN units u ON u.code = s.parent_code AND f.code IS NULL
    WHERE s.geom IS NOT NULL AND s.idx <> ALL($1) AND (f.idx IS NULL OR f.idx <> ALL($1))
), outside AS (
    SELECT idx, code, parent_code, ST_CollectionExtract(ST_Difference(child, parent), 3) AS diff
    FROM pairs
    WHERE parent IS NOT NULL AND NOT ST_CoveredBy(child, parent)
), measured AS (
    SELECT idx, code, parent_code, diff, ST_Area(diff::geography) AS area FROM outside
)
SELECT m.idx, m.code, m.parent_code, m.area, ST_X(p.pt), ST_Y(p.pt)
FROM measured m
CROSS JOIN LATERAL (
    SELECT ST_PointOnSurface(d.geom) AS pt
    FROM ST_Dump(m.diff) d
    ORDER BY ST_Area(d.geom) DESC
    LIMIT 1
) p
WHERE m.area > $2
ORDER BY m.idx`

func unitParentProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var parent, want string
	var found *string
	p, err := scanProblem(r, "parent_code", &parent, &want, &found)
	if err != nil {
		return p, err
	}
	p.Message = fmt.Sprintf("parent %s is neither in the file nor in the database", parent)
	if found != nil {
		p.Message = fmt.Sprintf("parent %s is a %s, but a unit with code %s sits under a %s", parent, *found, p.Key, want)
	}
	return p, nil
}

func unitLevelChangeProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var from, to string
	var children int64
	p, err := scanProblem(r, "level", &from, &to, &children)
	if err != nil {
		return p, err
	}
	p.Message = fmt.Sprintf("changes the stored %s into a %s, but %d stored units under it are not in the file", from, to, children)
	return p, nil
}

func unitOutsideProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var parent string
	var area, x, y float64
	p, err := scanProblem(r, "geometry", &parent, &area, &x, &y)
	if err != nil {
		return p, err
	}
	size := fmt.Sprintf("%.0f m²", area)
	if area >= 1e6 {
		size = fmt.Sprintf("%.2f km²", area/1e6)
	}
	p.Message = fmt.Sprintf("sticks out of its parent %s by %s (near %.6f,%.6f)", parent, size, x, y)
	return p, nil
}

// upsertUnitsSQL inserts new units and replaces changed ones. The WHERE leaves unchanged
// rows alone, so the history trigger and the change log see only real changes.
const upsertUnitsSQL = `
    INSERT INTO units AS u (code, level, name, parent_code, parent_level, geom, attrs)
    SELECT code, level, name, parent_code, parent_level, ST_Multi(geom), attrs
    FROM import_units
    ON CONFLICT (code) DO UPDATE SET
        level = EXCLUDED.level, name = EXCLUDED.name,
        parent_code = EXCLUDED.parent_code, parent_level = EXCLUDED.parent_level,
        geom = EXCLUDED.geom, attrs = EXCLUDED.attrs
    WHERE (u.level, u.name, u.parent_code, u.parent_level, u.geom, u.attrs)
          IS DISTINCT FROM
          (EXCLUDED.level, EXCLUDED.name, EXCLUDED.parent_code, EXCLUDED.parent_level, EXCLUDED.geom, EXCLUDED.attrs)`

// upsertDivisionsSQL is upsertUnitsSQL for rows without boundaries: it never touches the
// geometry or attributes a stored unit already has.
const upsertDivisionsSQL = `
    INSERT INTO units AS u (code, level, name, parent_code, parent_level)
    SELECT code, level, name, parent_code, parent_level
    FROM import_units
    ON CONFLICT (code) DO UPDATE SET
        level = EXCLUDED.level, name = EXCLUDED.name,
        parent_code = EXCLUDED.parent_code, parent_level = EXCLUDED.parent_level
    WHERE (u.level, u.name, u.parent_code, u.parent_level)
          IS DISTINCT FROM
          (EXCLUDED.level, EXCLUDED.name, EXCLUDED.parent_code, EXCLUDED.parent_level)`
