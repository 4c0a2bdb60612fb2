package postgis

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// PutUnit creates or replaces the unit u inside change set id. Its vertices within the
// tolerance of a sibling's (or the parent's) vertex snap to it, else to its edge. ifMatch,
// when not empty, must name the unit's current ETag ("*": any existing unit), else the
// answer is PreconditionFailed and nothing changes. Bad input is Invalid naming the field:
// a code outside the set's parent or breaking the code rule, a new code that exists or
// existed, a parent that is not in the set, a missing or malformed boundary.
func (db *DB) PutUnit(ctx context.Context, id int64, u geo.Unit, ifMatch string) (out geo.EditedUnit, err error) {
	err = db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error {
		parentLevel, err := v.checkUnit(&u)
		if err != nil {
			return err
		}
		cur, exists := v.live(u.Code)
		etag := ""
		if exists {
			etag = cur.ETag
		}
		if ifMatch != "" && !geo.ETagMatches(ifMatch, etag) {
			return stale(u.Code, etag)
		}
		if exists && cur.Level != u.Level {
			if err := checkRegrade(ctx, tx, v, cur, u.Level); err != nil {
				return err
			}
		}
		if _, known := v.units[u.Code]; !known {
			if err := checkCodeUnused(ctx, tx, u.Code); err != nil {
				return err
			}
		}
		out, err = snapEdit(ctx, tx, v, u, parentLevel)
		return err
	})
	return out, err
}

// CreateUnit adds a new unit under u.ParentCode to change set id, with the next free code
// there (u.Code is ignored): for clients that create features without naming them (an OGC
// API POST). Otherwise as PutUnit; parent_code is required.
func (db *DB) CreateUnit(ctx context.Context, id int64, u geo.Unit) (out geo.EditedUnit, err error) {
	if u.ParentCode == "" {
		return geo.EditedUnit{}, geo.FieldError("parent_code", "a new unit needs the code of its parent")
	}
	err = db.inSet(ctx, id, func(tx pgx.Tx, v *setView) (err error) {
		if _, ok := v.levelOf(u.ParentCode); !ok || !strings.HasPrefix(u.ParentCode, v.cs.Parent) {
			return geo.FieldError("parent_code", "no unit %q in change set %d", u.ParentCode, id)
		}
		if u.Code, err = nextCode(ctx, tx, u.ParentCode); err != nil {
			return err
		}
		parentLevel, err := v.checkUnit(&u)
		if err != nil {
			return err
		}
		out, err = snapEdit(ctx, tx, v, u, parentLevel)
		return err
	})
	return out, err
}

// snapEdit snaps u's vertices to its siblings' and parent's (vertex first, then edge) and
// stores it as the set's edit; the caller commits.
func snapEdit(ctx context.Context, tx pgx.Tx, v *setView, u geo.Unit, parentLevel string) (geo.EditedUnit, error) {
	u.Geom = geo.Snap(u.Geom, v.snapRefs(u.Code, u.ParentCode), geo.DefaultTolerance)
	// Snapping joins vertices that land on one point: a ring drawn smaller than the
	// tolerance (or with repeated points) can collapse below the four points PostGIS needs.
	if ps := geo.CheckPolygonal(u.Geom); len(ps) > 0 {
		return geo.EditedUnit{}, geo.FieldError("geometry", "collapses when its vertices snap to its neighbours' within %g m: %s",
			geo.DefaultTolerance, strings.Join(ps, "; "))
	}
	return putEdit(ctx, tx, v, u, parentLevel)
}

// stale is the PreconditionFailed answer to an If-Match that does not name etag.
func stale(code, etag string) error {
	if etag == "" {
		return &geo.Error{Kind: geo.PreconditionFailed, Field: "If-Match", Message: fmt.Sprintf("unit %s does not exist in the change set", code)}
	}
	return &geo.Error{Kind: geo.PreconditionFailed, Field: "If-Match",
		Message: fmt.Sprintf("unit %s changed: its ETag is now %s", code, etag)}
}

// checkUnit checks u against the view and fills in its parent code; it returns the
// parent's level.
func (v *setView) checkUnit(u *geo.Unit) (string, error) {
	p := v.cs.Parent
	if !strings.HasPrefix(u.Code, p) || len(u.Code) <= len(p) {
		return "", geo.FieldError("code", "unit %q lies outside the change set's parent %s", u.Code, p)
	}
	if u.Level == "" {
		return "", geo.FieldError("level", "a unit needs a level")
	}
	if _, err := geo.ParseLevel(string(u.Level)); err != nil {
		return "", geo.FieldError("level", "%s", err.Error())
	}
	own := u.Code[:len(u.Code)-3]
	if u.ParentCode == "" {
		u.ParentCode = own
	}
	if u.ParentCode != own {
		return "", geo.FieldError("parent_code", "the parent of %s is %s (a code extends its parent's by three digits), not %s", u.Code, own, u.ParentCode)
	}
	if err := geo.CheckCode(u.Level, u.Code, u.ParentCode); err != nil {
		return "", geo.FieldError("code", "%s", err.Error())
	}
	pl, ok := v.levelOf(u.ParentCode)
	if !ok {
		return "", geo.FieldError("parent_code", "no unit %s in the change set", u.ParentCode)
	}
	if want := geo.ParentLevel(u.Level, len(u.Code)); want != pl {
		return "", geo.FieldError("level", "a %s with a %d-digit code sits under a %s, but %s is a %s", u.Level, len(u.Code), want, u.ParentCode, pl)
	}
	if u.Geom == nil {
		return "", geo.FieldError("geometry", "a unit in a change set needs a boundary")
	}
	if ps := geo.CheckPolygonal(u.Geom); len(ps) > 0 {
		return "", geo.FieldError("geometry", "%s", strings.Join(ps, "; "))
	}
	if m := geo.CheckDrawnSize(u.Geom); m != "" {
		return "", geo.FieldError("geometry", "%s", m)
	}
	if u.Name == "" {
		return "", geo.FieldError("name", "a unit needs a name")
	}
	return string(pl), nil
}

// checkRegrade refuses to change the level of unit cur (a 15-digit code is a group or a
// grid) while units or ten-household units lie under it: their levels and codes follow
// from its level, and a grid's households would lose their grid.
func checkRegrade(ctx context.Context, tx pgx.Tx, v *setView, cur *viewUnit, level geo.Level) error {
	if kids := v.children(cur.Code); len(kids) > 0 {
		return geo.Errorf(geo.Conflict, "unit %s has %d units under it in the change set, whose levels follow its level: it stays a %s", cur.Code, len(kids), cur.Level)
	}
	if cur.Level == geo.Grid && cur.Version > 0 {
		return checkNoTenHH(ctx, tx, []string{cur.Code}, "must stay grids")
	}
	return nil
}

// snapRefs are the boundaries a unit's vertices snap to: its live siblings' and its
// parent's.
func (v *setView) snapRefs(code, parent string) []orb.MultiPolygon {
	var refs []orb.MultiPolygon
	if g, ok := v.geomOf(parent); ok && g != nil {
		refs = append(refs, g)
	}
	for _, s := range v.children(parent) {
		if s.Code != code && s.Geom != nil {
			refs = append(refs, s.Geom)
		}
	}
	return refs
}

const codeUsedSQL = `
SELECT EXISTS (SELECT 1 FROM units WHERE code = $1) OR EXISTS (SELECT 1 FROM unit_history WHERE code = $1)`

// checkCodeUnused refuses a new code that a unit has or had: codes are never reused.
func checkCodeUnused(ctx context.Context, q pgx.Tx, code string) error {
	var used bool
	if err := q.QueryRow(ctx, codeUsedSQL, code).Scan(&used); err != nil {
		return unavailable(err)
	}
	if used {
		return geo.FieldError("code", "code %s belongs or belonged to another unit: codes are never reused", code)
	}
	return nil
}

// putEditSQL stores a unit's edit; a unit edited before keeps the version its first edit
// was based on and gains a revision.
const putEditSQL = `
INSERT INTO changeset_units AS e (changeset_id, code, level, name, parent_code, parent_level, geom, attrs, base_version)
VALUES ($1, $2, $3, $4, $5, $6, ST_GeomFromEWKB($7), $8, $9)
ON CONFLICT (changeset_id, code) DO UPDATE SET
    level = EXCLUDED.level, name = EXCLUDED.name, parent_code = EXCLUDED.parent_code,
    parent_level = EXCLUDED.parent_level, geom = EXCLUDED.geom, attrs = EXCLUDED.attrs,
    deleted = false, revision = e.revision + 1
RETURNING coalesce(base_version, 0), revision`

const touchSetSQL = `UPDATE changesets SET updated_at = now() WHERE id = $1`

// putEdit writes u, checked, as the set's edit and updates the view to match.
func putEdit(ctx context.Context, tx pgx.Tx, v *setView, u geo.Unit, parentLevel string) (geo.EditedUnit, error) {
	g, err := ewkb.Marshal(u.Geom, 4326)
	if err != nil {
		return geo.EditedUnit{}, geo.FieldError("geometry", "%v", err)
	}
	var base any // NULL for a unit the set creates
	if cur, ok := v.units[u.Code]; ok && cur.Version > 0 {
		base = cur.Version
	}
	if u.Attrs == nil {
		u.Attrs = map[string]any{}
	}
	if err := checkLabel("name", u.Name); err != nil {
		return geo.EditedUnit{}, err
	}
	if attrsHaveNUL(u.Attrs) {
		return geo.EditedUnit{}, errNUL("attrs")
	}
	out := geo.EditedUnit{Unit: u, Edited: true}
	var rev int
	if err := tx.QueryRow(ctx, putEditSQL, v.cs.ID, u.Code, string(u.Level), u.Name, u.ParentCode, parentLevel,
		g, u.Attrs, base).Scan(&out.Version, &rev); err != nil {
		return out, constraintError(unavailable(err))
	}
	if _, err := tx.Exec(ctx, touchSetSQL, v.cs.ID); err != nil {
		return out, unavailable(err)
	}
	out.New = out.Version == 0
	out.ETag = geo.UnitETag(out.Version, rev)
	if _, ok := v.units[u.Code]; !ok {
		v.codes = append(v.codes, u.Code)
	}
	v.units[u.Code] = &viewUnit{EditedUnit: out, revision: rev, parentLevel: parentLevel}
	return out, nil
}

const deleteEditedSQL = `
UPDATE changeset_units SET deleted = true, revision = revision + 1 WHERE changeset_id = $1 AND code = $2`

const deleteStoredSQL = `
INSERT INTO changeset_units (changeset_id, code, level, name, parent_code, parent_level, geom, attrs, base_version, deleted, revision)
SELECT $1, code, level, name, parent_code, parent_level, geom, attrs, version, true, 1 FROM units WHERE code = $2`

// DeleteUnit deletes the unit with code inside change set id. ifMatch as for PutUnit. A
// unit with live children in the set is not deleted (Conflict): delete or merge them first.
// It returns NotFound when the set shows no such unit.
func (db *DB) DeleteUnit(ctx context.Context, id int64, code, ifMatch string) error {
	return db.inSet(ctx, id, func(tx pgx.Tx, v *setView) error { return deleteEdit(ctx, tx, v, code, ifMatch) })
}

// deleteEdit marks code deleted in the set and in the view.
func deleteEdit(ctx context.Context, tx pgx.Tx, v *setView, code, ifMatch string) error {
	u, ok := v.live(code)
	if !ok {
		if ifMatch != "" {
			return stale(code, "")
		}
		return geo.Errorf(geo.NotFound, "no unit %s in change set %d", code, v.cs.ID)
	}
	if ifMatch != "" && !geo.ETagMatches(ifMatch, u.ETag) {
		return stale(code, u.ETag)
	}
	if kids := v.children(code); len(kids) > 0 {
		return geo.Errorf(geo.Conflict, "unit %s has %d units under it in the change set: delete or merge them first", code, len(kids))
	}
	if u.Version > 0 {
		if err := checkNoTenHH(ctx, tx, []string{code}, "may not be deleted"); err != nil {
			return err
		}
	}
	sql := deleteStoredSQL
	if u.revision > 0 {
		sql = deleteEditedSQL
	}
	if _, err := tx.Exec(ctx, sql, v.cs.ID, code); err != nil {
		return unavailable(err)
	}
	if _, err := tx.Exec(ctx, touchSetSQL, v.cs.ID); err != nil {
		return unavailable(err)
	}
	u.deleted = true
	u.revision++
	return nil
}

// tenHHOfSQL counts the ten-household units (十联户) under each of the given grids.
const tenHHOfSQL = `
SELECT grid_code, count(*) FROM tenhh_units WHERE grid_code = ANY($1) GROUP BY grid_code ORDER BY grid_code`

// checkNoTenHH refuses to delete grids that hold ten-household units, or to make them
// anything but grids: their codes extend the grid's, so no change set can move them, and
// their households would lose their grid. what says what the grids may not do.
func checkNoTenHH(ctx context.Context, tx pgx.Tx, codes []string, what string) error {
	rows, err := tx.Query(ctx, tenHHOfSQL, codes)
	if err != nil {
		return unavailable(err)
	}
	var held []string
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return err
		}
		held = append(held, fmt.Sprintf("%s (%d)", c, n))
	}
	if err := rows.Err(); err != nil {
		return unavailable(err)
	}
	if len(held) > 0 {
		return geo.Errorf(geo.Conflict, "these units hold ten-household units, which a change set cannot move, and %s: %s", what, strings.Join(held, ", "))
	}
	return nil
}

// hasNUL reports whether s holds the NUL character, which PostgreSQL's text and jsonb
// cannot store: a client's text with one is refused before it reaches the database.
func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// attrsHaveNUL reports whether a key or a string anywhere in attributes holds NUL.
func attrsHaveNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return hasNUL(v)
	case map[string]any:
		for k, x := range v {
			if hasNUL(k) || attrsHaveNUL(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if attrsHaveNUL(x) {
				return true
			}
		}
	}
	return false
}

func errNUL(field string) error {
	return geo.FieldError(field, `text may not hold the NUL character (\u0000)`)
}

// maxLabel is the longest name or title a unit or change set takes, in characters: a
// unit's name is drawn on maps and notice boards.
const maxLabel = 200

// checkLabel refuses a name or title that no one could read: only spaces, longer than
// maxLabel, or holding NUL. An empty one passes (the caller decides whether it is needed).
func checkLabel(field, s string) error {
	switch {
	case hasNUL(s):
		return errNUL(field)
	case s != "" && strings.TrimSpace(s) == "":
		return geo.FieldError(field, "holds only spaces")
	case utf8.RuneCountInString(s) > maxLabel:
		return geo.FieldError(field, "is longer than %d characters", maxLabel)
	}
	return nil
}
