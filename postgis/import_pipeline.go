package postgis

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
)

// pipeline describes one import of items of type T; run takes it through the steps the
// comment at the top of import_common.go describes.
type pipeline[T any] struct {
	// read parses the file.
	read func(io.Reader) (importfile.Rows[T], error)
	// validate runs geo's checks on all the file's items before the database is touched.
	validate func(items []T, index []int, item string) []geo.Problem
	// table is the temporary staging table, dropped on commit. Its first column is idx, the
	// item's position in the file; columns defines the others ("name type"), in the order
	// row gives them.
	table   string
	columns []string
	// row gives the columns after idx of one item; an error stops the import after the
	// COPY, the first one being returned.
	row func(it T) ([]any, error)
	// analyze has the staging table ANALYZEd before the checks, for those that plan joins
	// over many rows.
	analyze bool
	// checks run in order over the staging table; the import stores nothing when any
	// finds a problem.
	checks []check
	// upsertSQL stores the staging table's rows: an INSERT ... ON CONFLICT DO UPDATE whose
	// WHERE leaves unchanged rows alone, so that the history trigger and the change log see
	// only real changes. run counts what it inserted and updated with upsertCountsSQL.
	upsertSQL string
	// store, when set, replaces upsertSQL: it stores the rows and fills all of counts but
	// Rows.
	store func(ctx context.Context, tx pgx.Tx, counts *ImportCounts) error
	// coverage, when set, runs after the checks when they found nothing: it returns more
	// problems, and the findings to hand to ImportOptions.Coverage when the file loads.
	coverage func(ctx context.Context, tx pgx.Tx, opts ImportOptions) ([]geo.Problem, []geo.Finding, error)
}

// check is one set-based check over a staging table.
type check struct {
	// sql is the query whose every row is a problem, or, when problem is nil, a statement
	// run for its effect on the staging table.
	sql     string
	problem func(pgx.CollectableRow) (geo.Problem, error)
	// args are sql's parameters; invalidIdx stands for the idx of every row found so far
	// with invalid geometry.
	args []any
	// marksInvalid says the check's problems are invalid geometries, whose rows later
	// geometric checks leave out.
	marksInvalid bool
	// repair, when the import repairs (ImportOptions.Repair), runs before sql: a statement
	// that mends the staging table's invalid geometries and returns a row per repair
	// (scanned by scanRepair), so that sql finds only what could not be mended.
	repair string
}

// scanProblem scans a row of a check whose first two columns are the staging row's idx and
// key, and the others into more. It returns the problem at that row with field set and the
// message left for the caller to write.
func scanProblem(r pgx.CollectableRow, field string, more ...any) (geo.Problem, error) {
	var idx int32
	var key string
	if err := r.Scan(append([]any{&idx, &key}, more...)...); err != nil {
		return geo.Problem{}, err
	}
	return geo.Problem{Index: int(idx), Key: key, Field: field}, nil
}

// invalidIdx, as an argument of a check, stands for the idx of the rows found so far with
// invalid geometry.
var invalidIdx invalidIdxArg

type invalidIdxArg struct{}

// upsertCountsSQL runs an upsert, %s, and counts the rows it inserted and those it
// updated: xmax = 0 marks a row the statement inserted rather than updated.
const upsertCountsSQL = `
WITH up AS (%s
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`

// run imports file, read from r: it refuses the file when validate or a check finds a
// problem, and otherwise stores its rows in one transaction and counts what it did and
// lists the geometries it repaired (only with opt.Repair).
func (p pipeline[T]) run(ctx context.Context, db *DB, file string, r io.Reader, opts ImportOptions) (ImportCounts, []geo.Repair, error) {
	progress := opts.Progress
	r, err := importfile.Decode(r, opts.Encoding)
	if err != nil {
		return ImportCounts{}, nil, geo.Errorf(geo.Invalid, "%s: %v", file, err)
	}
	rows, err := p.read(r)
	if err != nil {
		return ImportCounts{}, nil, readError(file, err)
	}
	counts := ImportCounts{Rows: len(rows.Items)}
	problems := append(rows.Problems, p.validate(rows.Items, rows.Index, rows.Item)...)
	if err := refuse(file, rows.Item, problems); err != nil {
		return counts, nil, err
	}
	var report []geo.Finding
	var repairs []geo.Repair
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := p.stage(ctx, tx, rows, progress); err != nil {
			return err
		}
		progress.report("verifying", 0, len(rows.Items))
		var problems []geo.Problem
		var err error
		problems, repairs, err = p.verify(ctx, tx, opts.Repair)
		if err != nil {
			return err
		}
		if len(problems) == 0 && p.coverage != nil {
			if problems, report, err = p.coverage(ctx, tx, opts); err != nil {
				return err
			}
		}
		if err := refuse(file, rows.Item, problems); err != nil {
			return err
		}
		progress.report("storing", 0, len(rows.Items))
		if p.store != nil {
			return p.store(ctx, tx, &counts)
		}
		if err := tx.QueryRow(ctx, fmt.Sprintf(upsertCountsSQL, p.upsertSQL)).Scan(&counts.Inserted, &counts.Updated); err != nil {
			return err
		}
		counts.Unchanged = len(rows.Items) - counts.Inserted - counts.Updated
		return nil
	})
	if err == nil && len(report) > 0 && opts.Coverage != nil {
		opts.Coverage(report)
	}
	return counts, repairs, err
}

// stage creates the staging table and copies the rows into it.
func (p pipeline[T]) stage(ctx context.Context, tx pgx.Tx, rows importfile.Rows[T], progress Progress) error {
	defs := append([]string{"idx integer NOT NULL"}, p.columns...)
	create := fmt.Sprintf("CREATE TEMP TABLE %s (\n    %s\n) ON COMMIT DROP", p.table, strings.Join(defs, ",\n    "))
	if _, err := tx.Exec(ctx, create); err != nil {
		return err
	}
	cols := make([]string, len(defs))
	for i, d := range defs {
		cols[i], _, _ = strings.Cut(d, " ")
	}
	var rowErr error
	err := copyRows(ctx, tx, p.table, cols, len(rows.Items), func(i int) []any {
		vals, err := p.row(rows.Items[i])
		if err != nil && rowErr == nil {
			rowErr = err
		}
		return append([]any{int32(rows.Index[i])}, vals...)
	}, progress)
	if err == nil {
		err = rowErr
	}
	if err != nil || !p.analyze {
		return err
	}
	_, err = tx.Exec(ctx, `ANALYZE `+p.table)
	return err
}

// verify runs the checks and returns every problem they found; with repair, the checks'
// repair statements run first and verify also returns what they repaired.
func (p pipeline[T]) verify(ctx context.Context, tx pgx.Tx, repair bool) ([]geo.Problem, []geo.Repair, error) {
	var problems []geo.Problem
	var repairs []geo.Repair
	invalid := []int32{} // ALL over an empty array is true; over NULL it is NULL
	for _, c := range p.checks {
		if repair && c.repair != "" {
			rows, err := tx.Query(ctx, c.repair)
			if err != nil {
				return nil, nil, err
			}
			mended, err := pgx.CollectRows(rows, scanRepair)
			if err != nil {
				return nil, nil, err
			}
			for _, m := range mended {
				if m.Reason != "" {
					repairs = append(repairs, m)
				}
			}
		}
		args := make([]any, len(c.args))
		for i, a := range c.args {
			if a == invalidIdx {
				a = invalid
			}
			args[i] = a
		}
		if c.problem == nil {
			if _, err := tx.Exec(ctx, c.sql, args...); err != nil {
				return nil, nil, err
			}
			continue
		}
		found, err := collect(ctx, tx, c.sql, c.problem, args...)
		if err != nil {
			return nil, nil, err
		}
		if repair && c.repair != "" {
			for i := range found {
				found[i].Message = strings.Replace(found[i].Message, repairHint, unmendable, 1)
			}
		}
		if c.marksInvalid {
			for _, f := range found {
				invalid = append(invalid, int32(f.Index))
			}
		}
		problems = append(problems, found...)
	}
	return problems, repairs, nil
}
