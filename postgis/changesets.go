package postgis

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// Change sets: drafts of edits over one parent unit, kept in changesets and
// changeset_units (migration 010) until they are published into units or discarded.

const openChangeSetSQL = `
INSERT INTO changesets (parent_code, title, created_by) VALUES ($1, $2, $3)
RETURNING id`

// OpenChangeSet opens a change set over the stored unit parent. It returns a NotFound
// error when no unit has that code, Invalid when the title is empty.
func (db *DB) OpenChangeSet(ctx context.Context, parent, title, by string) (geo.ChangeSet, error) {
	if strings.TrimSpace(title) == "" {
		return geo.ChangeSet{}, geo.FieldError("title", "a change set needs a title")
	}
	if err := checkLabel("title", title); err != nil {
		return geo.ChangeSet{}, err
	}
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1)`, parent).Scan(&exists); err != nil {
		return geo.ChangeSet{}, unavailable(err)
	}
	if !exists {
		return geo.ChangeSet{}, &geo.Error{Kind: geo.NotFound, Field: "parent", Message: "no unit has code " + parent}
	}
	var id int64
	if err := db.pool.QueryRow(ctx, openChangeSetSQL, parent, title, by).Scan(&id); err != nil {
		return geo.ChangeSet{}, unavailable(err)
	}
	return db.ChangeSet(ctx, id)
}

const changeSetSQL = `
SELECT id, parent_code, title, state, created_by, created_at, updated_at,
       coalesce(published_by, ''), published_at, coalesce(discarded_by, ''), discarded_at,
       coalesce(override_reason, ''),
       (SELECT count(*) FROM changeset_units e WHERE e.changeset_id = c.id)
FROM changesets c WHERE id = $1`

// ChangeSet returns the change set with this id, or a NotFound error.
func (db *DB) ChangeSet(ctx context.Context, id int64) (geo.ChangeSet, error) {
	return readChangeSet(ctx, db.pool, id, false)
}

// readChangeSet reads a set; forUpdate locks its row until the transaction ends, which
// orders all edits and the publish of one set one after another.
func readChangeSet(ctx context.Context, q querier, id int64, forUpdate bool) (geo.ChangeSet, error) {
	sql := changeSetSQL
	if forUpdate {
		sql += " FOR UPDATE"
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return geo.ChangeSet{}, unavailable(err)
	}
	cs, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (geo.ChangeSet, error) {
		var cs geo.ChangeSet
		var pub, dis *time.Time
		err := r.Scan(&cs.ID, &cs.Parent, &cs.Title, &cs.State, &cs.CreatedBy, &cs.CreatedAt, &cs.UpdatedAt,
			&cs.PublishedBy, &pub, &cs.DiscardedBy, &dis, &cs.OverrideReason, &cs.Edits)
		if pub != nil {
			cs.PublishedAt = *pub
		}
		if dis != nil {
			cs.DiscardedAt = *dis
		}
		return cs, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return cs, geo.Errorf(geo.NotFound, "no change set %d", id)
	}
	if err != nil {
		return cs, unavailable(err)
	}
	return cs, nil
}

// openSetTx begins a transaction holding the lock of an open change set. It returns
// NotFound for an unknown set and Conflict for a closed one.
func (db *DB) openSetTx(ctx context.Context, id int64) (pgx.Tx, geo.ChangeSet, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, geo.ChangeSet{}, unavailable(err)
	}
	cs, err := readChangeSet(ctx, tx, id, true)
	if err == nil && cs.State != geo.ChangeSetOpen {
		err = geo.Errorf(geo.Conflict, "change set %d is %s: it takes no more changes", id, cs.State)
	}
	if err != nil {
		tx.Rollback(ctx)
		return nil, cs, err
	}
	return tx, cs, nil
}

const discardChangeSetSQL = `
UPDATE changesets SET state = 'discarded', discarded_by = $2, discarded_at = now(), updated_at = now()
WHERE id = $1`

// DiscardChangeSet closes an open change set without writing anything to the store. It
// returns NotFound for an unknown set and Conflict for one already closed.
func (db *DB) DiscardChangeSet(ctx context.Context, id int64, by string) error {
	tx, _, err := db.openSetTx(ctx, id)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, discardChangeSetSQL, id, by); err != nil {
		return unavailable(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}
