package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Every import runs the same way: read the file and run geo's checks on all of it; then, in
// one transaction, COPY the rows into a temporary staging table, run the checks that need
// stored data as set-based queries over the staging table, and only when none found a
// problem upsert from the staging table and commit. A file with any problem stores nothing
// and returns a *geo.ImportError listing them all.

// Progress is told how far a long import has come: stage is what it is doing ("loading",
// "verifying", "storing"), done out of total rows (done is 0 when a stage reports only
// its start). It may be nil.
type Progress func(stage string, done, total int)

func (p Progress) report(stage string, done, total int) {
	if p != nil {
		p(stage, done, total)
	}
}

// ImportCounts is what an import did. Rows counts the features or CSV rows read; the other
// three count what they describe (units, features, persons...), so that re-importing an
// unchanged file reports everything Unchanged.
type ImportCounts struct {
	Rows      int
	Inserted  int
	Updated   int
	Unchanged int
}

// copyEvery is how many rows pass between progress reports while loading.
const copyEvery = 10_000

// copyRows streams n rows built by row into table with COPY, the fastest way into
// PostgreSQL, reporting progress as it goes.
func copyRows(ctx context.Context, tx pgx.Tx, table string, cols []string, n int, row func(i int) []any, progress Progress) error {
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		vals := row(i)
		i++
		if i%copyEvery == 0 {
			progress.report("loading", i, n)
		}
		return vals, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, src); err != nil {
		return err
	}
	progress.report("loading", n, n)
	return nil
}

// inTx runs fn in one transaction and maps what fails to geo's error kinds.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return dbError(pgx.BeginFunc(ctx, db.pool, fn))
}

// collect runs a check query and turns each row it returns into a problem.
func collect(ctx context.Context, tx pgx.Tx, sql string, toProblem func(pgx.CollectableRow) (geo.Problem, error), args ...any) ([]geo.Problem, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, toProblem)
}

// refuse returns the ImportError for problems, sorted by position so the list reads like
// the file, or nil when there are none.
func refuse(file, item string, problems []geo.Problem) error {
	if len(problems) == 0 {
		return nil
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Index < problems[j].Index })
	return &geo.ImportError{File: file, Item: item, Problems: problems}
}

// readError wraps a failure to read an import file.
func readError(file string, err error) error {
	return &geo.Error{Kind: geo.Internal, Message: fmt.Sprintf("%s: %v", file, err), Err: err}
}

// invalidGeometrySQL finds the rows of a staging table whose geometry PostGIS finds
// invalid, with the reason and where. %[1]s is the staging table, %[2]s its key column.
const invalidGeometrySQL = `
SELECT s.idx, s.%[2]s, d.reason, ST_X(d.location), ST_Y(d.location), ST_NumGeometries(s.geom)
FROM %[1]s s
CROSS JOIN LATERAL ST_IsValidDetail(s.geom) d
WHERE s.geom IS NOT NULL AND NOT d.valid
ORDER BY s.idx`

// invalidGeometryCheck finds every invalid geometry in a staging table, marking each
// row so that later geometric checks, which GEOS cannot run on an invalid geometry, can
// leave them out; an import that repairs first mends what it can with repairGeometrySQL.
// keyCol is the table's key column.
func invalidGeometryCheck(table, keyCol string) check {
	return check{sql: fmt.Sprintf(invalidGeometrySQL, table, keyCol), problem: invalidGeometryProblem, marksInvalid: true,
		repair: fmt.Sprintf(repairGeometrySQL, table, keyCol)}
}

// repairGeometrySQL mends the invalid geometries of a staging table with ST_MakeValid,
// keeping only the part of the geometry's own dimension (the polygons of a polygon, the
// lines of a line: ST_MakeValid turns a collapsed ring into a line, which a boundary has
// no use for). It returns one row per invalid geometry: idx, key, ST_IsValidDetail's reason
// and location, the area before and after on the spheroid, and whether it was mended; one
// that leaves nothing of its dimension stays as it was, for invalidGeometrySQL to refuse.
// %[1]s is the staging table, %[2]s its key column.
const repairGeometrySQL = `
WITH bad AS (
    SELECT s.idx, s.%[2]s AS key, d.reason, d.location, s.geom,
           ST_CollectionExtract(ST_MakeValid(s.geom), CASE ST_Dimension(s.geom) WHEN 1 THEN 2 ELSE 3 END) AS fixed
    FROM %[1]s s
    CROSS JOIN LATERAL ST_IsValidDetail(s.geom) d
    WHERE s.geom IS NOT NULL AND NOT d.valid
), mended AS (
    UPDATE %[1]s s SET geom = b.fixed
    FROM bad b
    WHERE s.idx = b.idx AND NOT ST_IsEmpty(b.fixed)
    RETURNING s.idx
)
SELECT b.idx, b.key, b.reason, ST_X(b.location), ST_Y(b.location),
       ST_Area(b.geom::geography), ST_Area(b.fixed::geography), m.idx IS NOT NULL
FROM bad b
LEFT JOIN mended m ON m.idx = b.idx
ORDER BY b.idx`

// scanRepair reads a row of repairGeometrySQL. A geometry that could not be mended comes
// back with an empty Reason, which verify leaves out: the check after it refuses it.
func scanRepair(r pgx.CollectableRow) (geo.Repair, error) {
	var rep geo.Repair
	var idx int32
	var x, y *float64
	var mended bool
	if err := r.Scan(&idx, &rep.Key, &rep.Reason, &x, &y, &rep.AreaBefore, &rep.AreaAfter, &mended); err != nil {
		return rep, err
	}
	rep.Index = int(idx)
	rep.Reason = describeReason(rep.Reason)
	if x != nil && y != nil {
		rep.Lon, rep.Lat, rep.HasLocation = *x, *y, true
	}
	if !mended {
		rep.Reason = ""
	}
	return rep, nil
}

func invalidGeometryProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var reason string
	var x, y *float64
	var parts *int32
	p, err := scanProblem(r, "geometry", &reason, &x, &y, &parts)
	if err != nil {
		return p, err
	}
	p.Message = describeReason(reason)
	if x != nil && y != nil {
		p.Message += fmt.Sprintf(" near %.6f,%.6f", *x, *y)
	}
	if reason == "Self-intersection" && parts != nil && *parts > 1 {
		p.Message += " (or two polygons of the multipolygon overlap there)"
	}
	p.Message += repairHint
	return p, nil
}

// repairHint ends the message of an invalid geometry in an import that does not repair;
// unmendable replaces it in one that does.
const (
	repairHint = "; import with -repair to mend it with ST_MakeValid"
	unmendable = "; -repair cannot mend it: ST_MakeValid leaves nothing of its kind (the polygon collapses to lines or points)"
)

// describeReason rewords GEOS's validity reasons for people who draw boundaries.
func describeReason(reason string) string {
	switch strings.TrimSpace(reason) {
	case "Self-intersection":
		return "ring self-intersects"
	case "Ring Self-intersection":
		return "ring touches itself"
	case "Too few points":
		return "ring has too few distinct points"
	case "Hole lies outside shell":
		return "a hole lies outside its outer ring"
	case "Holes are nested":
		return "a hole lies inside another hole"
	case "Interior is disconnected":
		return "holes cut the polygon in pieces"
	case "Nested shells":
		return "a polygon of the multipolygon lies inside another"
	case "Duplicate Rings":
		return "a ring is repeated"
	}
	return "invalid geometry: " + strings.ToLower(reason)
}

// dbError maps a database failure to geo's kinds: a server that cannot be reached is
// Unavailable, a violated constraint Invalid; errors that already carry a kind, and
// cancellations, pass through.
func dbError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ge *geo.Error
	var ie *geo.ImportError
	if errors.As(err, &ie) || errors.As(err, &ge) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return &geo.Error{Kind: geo.Unavailable, Message: "the database is unavailable", Err: err}
		}
		return constraintError(err)
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return &geo.Error{Kind: geo.Unavailable, Message: "the database is unavailable", Err: err}
	}
	return err
}
