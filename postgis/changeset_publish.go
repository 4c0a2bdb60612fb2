package postgis

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// ValidateChangeSet checks the coverage rule where the set changes something: under the
// parent of every unit it edits, and under every edited unit that has children, as the
// set would leave them. Intermediate states may break the rule; the findings say where.
// It returns NotFound for an unknown set.
func (db *DB) ValidateChangeSet(ctx context.Context, id int64) ([]geo.Finding, error) {
	var fs []geo.Finding
	err := db.readView(ctx, id, func(tx pgx.Tx, v *setView) (err error) {
		fs, err = v.validate(ctx, tx)
		return err
	})
	return fs, err
}

// validate runs the coverage check of every parent the set touches.
func (v *setView) validate(ctx context.Context, q querier) ([]geo.Finding, error) {
	parents, edited := map[string]bool{}, map[string]bool{}
	for _, c := range v.codes {
		u := v.units[c]
		if u.revision == 0 {
			continue
		}
		edited[c] = true
		parents[u.ParentCode] = true
		if !u.deleted && len(v.children(c)) > 0 {
			parents[c] = true
		}
	}
	var out []geo.Finding
	for _, p := range sortedCodes(parents) {
		pg, ok := v.geomOf(p)
		if !ok || pg == nil {
			continue // a deleted parent, or one known by code only
		}
		var kids []geo.Candidate
		for _, k := range v.children(p) {
			if k.Geom != nil {
				kids = append(kids, geo.Candidate{Code: k.Code, Geom: k.Geom, Level: k.Level}) // grids are checked for split features too
			}
		}
		fs, err := CheckCoverage(ctx, q, geo.Candidate{Code: p, Geom: pg}, kids, geo.DefaultTolerance)
		if err != nil {
			return nil, unavailable(err)
		}
		out = append(out, fs...)
		if fs, err = householdsOutside(ctx, q, p, kids, edited); err != nil {
			return nil, unavailable(err)
		}
		out = append(out, fs...)
	}
	return out, nil
}

// lockAncestorsSQL locks the set's parent and every unit above it: publishes within one
// county run one after another, so each validates against what the one before wrote.
const lockAncestorsSQL = `SELECT code FROM units WHERE code = ANY($1) ORDER BY code FOR UPDATE`

const editsSQL = `
SELECT code, base_version, deleted FROM changeset_units WHERE changeset_id = $1 ORDER BY code`

// lockTouchedSQL locks the stored rows the set replaces or deletes, and reads their versions.
const lockTouchedSQL = `SELECT code, version FROM units WHERE code = ANY($1) ORDER BY code FOR UPDATE`

const usedBeforeSQL = `SELECT DISTINCT code FROM unit_history WHERE code = ANY($1)`

// The edits go to units in three statements; units' triggers keep the history and the
// change log, so the index and the tiles follow by themselves.
const (
	publishInsertSQL = `
INSERT INTO units (code, level, name, parent_code, parent_level, geom, attrs)
SELECT code, level, name, parent_code, parent_level, geom, attrs FROM changeset_units
WHERE changeset_id = $1 AND NOT deleted AND base_version IS NULL`
	publishUpdateSQL = `
UPDATE units u SET level = e.level, name = e.name, parent_code = e.parent_code,
       parent_level = e.parent_level, geom = e.geom, attrs = e.attrs
FROM changeset_units e
WHERE e.changeset_id = $1 AND NOT e.deleted AND e.base_version IS NOT NULL AND u.code = e.code`
	publishDeleteSQL = `
DELETE FROM units u USING changeset_units e
WHERE e.changeset_id = $1 AND e.deleted AND e.base_version IS NOT NULL AND u.code = e.code`
	markPublishedSQL = `
UPDATE changesets SET state = 'published', published_by = $2, published_at = now(), updated_at = now(),
       override_reason = nullif($3, '')
WHERE id = $1`
	auditPublishSQL = `
INSERT INTO audit_log (subject, via, action, target, detail) VALUES ($1, 'changeset', 'publish', $2, $3)`
)

// PublishChangeSet writes the set's edits to the store in one transaction. It returns
// Conflict with a *geo.StaleUnits cause, writing nothing and leaving the set open, when a
// unit it edits changed since the set based its edit on it (or a code it creates was taken);
// Unprocessable when the coverage check finds errors and overrideReason is empty (an
// administrator's written reason, recorded with the set: the caller checks the right to
// give one); Invalid when the set has no edits. The publish is recorded in the audit log
// (subject by, target the set's parent) in the same transaction.
func (db *DB) PublishChangeSet(ctx context.Context, id int64, by, overrideReason string) (geo.Publication, error) {
	if hasNUL(overrideReason) {
		return geo.Publication{}, errNUL("override_reason")
	}
	tx, cs, err := db.openSetTx(ctx, id)
	if err != nil {
		return geo.Publication{}, err
	}
	defer tx.Rollback(ctx)
	var ancestors []string
	for n := 6; n <= len(cs.Parent); n += 3 {
		ancestors = append(ancestors, cs.Parent[:n])
	}
	if _, err := tx.Exec(ctx, lockAncestorsSQL, ancestors); err != nil {
		return geo.Publication{}, unavailable(err)
	}
	written, deleted, err := checkNotStale(ctx, tx, id)
	if err != nil {
		return geo.Publication{}, err
	}
	if err := checkNoTenHH(ctx, tx, deleted, "may not be deleted"); err != nil {
		return geo.Publication{}, err
	}
	rows, err := tx.Query(ctx, regradedGridsSQL, id)
	if err != nil {
		return geo.Publication{}, unavailable(err)
	}
	regraded, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return geo.Publication{}, unavailable(err)
	}
	if err := checkNoTenHH(ctx, tx, regraded, "must stay grids"); err != nil {
		return geo.Publication{}, err
	}
	v, err := loadView(ctx, tx, cs)
	if err != nil {
		return geo.Publication{}, err
	}
	if err := v.checkGridsHoldNoUnits(); err != nil {
		return geo.Publication{}, err
	}
	fs, err := v.validate(ctx, tx)
	if err != nil {
		return geo.Publication{}, err
	}
	pub := geo.Publication{Units: written, Findings: fs}
	if bad := invalidShapes(fs); len(bad) > 0 {
		// The store holds valid polygons only (units_geom_valid): no reason publishes these.
		return pub, geo.Errorf(geo.Unprocessable, "these units' boundaries are not valid polygons, which no override can publish: %s (validate the change set to see where)", strings.Join(bad, ", "))
	}
	if geo.HasErrors(fs) {
		if strings.TrimSpace(overrideReason) == "" {
			n := 0
			for _, f := range fs {
				if f.Severity == geo.SeverityError {
					n++
				}
			}
			return pub, geo.Errorf(geo.Unprocessable, "the change set breaks the coverage rule in %d %s: validate it to see where, fix it, or have an administrator publish it with a reason", n, plural(n, "place", "places"))
		}
		pub.Overridden = true
	} else {
		overrideReason = ""
	}
	for _, sql := range []string{publishInsertSQL, publishUpdateSQL, publishDeleteSQL} {
		if _, err := tx.Exec(ctx, sql, id); err != nil {
			return pub, constraintError(unavailable(err))
		}
	}
	detail, err := json.Marshal(map[string]any{"changeset": id, "title": cs.Title, "units": written,
		"override_reason": overrideReason, "findings": len(fs)})
	if err != nil {
		return pub, err
	}
	if _, err := tx.Exec(ctx, auditPublishSQL, by, cs.Parent, detail); err != nil {
		return pub, unavailable(err)
	}
	if _, err := tx.Exec(ctx, markPublishedSQL, id, by, overrideReason); err != nil {
		return pub, unavailable(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return pub, constraintError(unavailable(err))
	}
	pub.ChangeSet, err = db.ChangeSet(ctx, id)
	return pub, err
}

// checkGridsHoldNoUnits refuses a publish that would leave units under a grid: the set made
// a group a grid while it had none under it (PUT checks that), and another set has put
// some there since. The view is read after the ancestors are locked, so it holds them.
func (v *setView) checkGridsHoldNoUnits() error {
	var bad []string
	for _, c := range v.codes {
		if u := v.units[c]; u.revision > 0 && !u.deleted && u.Level == geo.Grid && len(v.children(c)) > 0 {
			bad = append(bad, c)
		}
	}
	if len(bad) > 0 {
		return geo.Errorf(geo.Conflict, "the change set makes %s %s, but units now lie under %s (published by another change set since): make %s again, or discard the set",
			plural(len(bad), "this unit a grid", "these units grids"), strings.Join(bad, ", "), plural(len(bad), "it", "them"), plural(len(bad), "it a group", "them groups"))
	}
	return nil
}

// regradedGridsSQL: the stored grids change set $1 makes groups.
const regradedGridsSQL = `
SELECT e.code FROM changeset_units e JOIN units u ON u.code = e.code
WHERE e.changeset_id = $1 AND NOT e.deleted AND u.level = 'grid' AND e.level <> 'grid' ORDER BY 1`

// invalidShapes returns the units of the findings that are not valid polygons, in order.
func invalidShapes(fs []geo.Finding) []string {
	bad := map[string]bool{}
	for _, f := range fs {
		if f.Kind == geo.InvalidShape {
			for _, c := range f.Units {
				bad[c] = true
			}
		}
	}
	return sortedCodes(bad)
}

// checkNotStale locks the stored units set id edits and compares their versions with the
// ones its edits were based on. It returns the codes the publish will write, or Conflict
// naming the units that moved on; and of those, the stored units it deletes.
func checkNotStale(ctx context.Context, tx pgx.Tx, id int64) (codes, deleted []string, err error) {
	rows, err := tx.Query(ctx, editsSQL, id)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	type edit struct {
		base    *int
		deleted bool
	}
	edits := map[string]edit{}
	var created []string
	for rows.Next() {
		var c string
		var e edit
		if err := rows.Scan(&c, &e.base, &e.deleted); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if e.deleted && e.base == nil {
			continue // created and deleted again inside the set: nothing to write
		}
		edits[c] = e
		codes = append(codes, c)
		if e.base == nil {
			created = append(created, c)
		} else if e.deleted {
			deleted = append(deleted, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, unavailable(err)
	}
	if len(codes) == 0 {
		return nil, nil, geo.Errorf(geo.Invalid, "change set %d has no edits to publish", id)
	}
	stored := map[string]int{}
	rows, err = tx.Query(ctx, lockTouchedSQL, codes)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	for rows.Next() {
		var c string
		var ver int
		if err := rows.Scan(&c, &ver); err != nil {
			rows.Close()
			return nil, nil, err
		}
		stored[c] = ver
	}
	if err := rows.Err(); err != nil {
		return nil, nil, unavailable(err)
	}
	staleSet := map[string]bool{}
	for _, c := range codes {
		ver, ok := stored[c]
		e := edits[c]
		if (e.base == nil && ok) || (e.base != nil && (!ok || ver != *e.base)) {
			staleSet[c] = true
		}
	}
	rows, err = tx.Query(ctx, usedBeforeSQL, created)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	used, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, unavailable(err)
	}
	for _, c := range used {
		staleSet[c] = true
	}
	if len(staleSet) > 0 {
		s := &geo.StaleUnits{Codes: sortedCodes(staleSet)}
		return nil, nil, &geo.Error{Kind: geo.Conflict, Message: s.Error() + ": nothing was published; discard the change set, or redo these edits in a new one", Err: s}
	}
	sort.Strings(codes)
	return codes, deleted, nil
}
