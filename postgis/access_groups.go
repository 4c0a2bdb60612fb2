package postgis

import (
	"context"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// accessGroups are the grouped statements of access control (see group): audit inserts and
// checks that verified API keys are still valid, which go to the database together, one
// statement for whatever is waiting; and the cache of verified keys. Made on first use, so a
// DB made any way has them.
type accessGroups struct {
	statements group[accessItem]

	mu   sync.Mutex
	keys map[keySecret]*access.Identity
}

// keySecret names a verified key: its id and the SHA-256 of its secret, as stored.
type keySecret struct {
	id   string
	hash [32]byte
}

// maxCachedKeys bounds the cache of verified keys; when full it starts over.
const maxCachedKeys = 4096

// accessItem is one call's part of a grouped statement: a key to check, or audit records.
type accessItem struct {
	keyID string
	recs  []access.Record
}

// groupFlushes is how many grouped statements run at once. One: measured with wrk -c8
// (README, "Access control measured"), a second statement in flight halved the calls each
// statement served, and under load the database's time per statement is what counts.
const groupFlushes = 1

func (db *DB) access() *accessGroups {
	db.accessOnce.Do(func() {
		a := &accessGroups{keys: map[keySecret]*access.Identity{}}
		a.statements = group[accessItem]{maxFlushes: groupFlushes, flush: db.flushAccess}
		db.groups = a
	})
	return db.groups
}

func (a *accessGroups) cached(k keySecret) *access.Identity {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.keys[k]
}

func (a *accessGroups) remember(k keySecret, id *access.Identity) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.keys) >= maxCachedKeys {
		a.keys = map[keySecret]*access.Identity{}
	}
	a.keys[k] = id
}

func (a *accessGroups) forget(k keySecret) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.keys, k)
}

const activeKeysSQL = `SELECT id FROM api_keys WHERE id = ANY($1) AND revoked_at IS NULL`

// auditAndActiveKeysSQL stores audit records (insertAuditSQL's $1-$6) and lists which of the
// keys $7 are valid, in one statement.
const auditAndActiveKeysSQL = `
WITH stored AS (` + insertAuditSQL + `)
SELECT id FROM api_keys WHERE id = ANY($7) AND revoked_at IS NULL`

// errKeyRevoked refuses a remembered key that is no longer valid.
var errKeyRevoked = geo.Errorf(geo.Unauthenticated, "unknown or revoked API key")

// flushAccess stores the audit records of the calls, all of them or none, and checks their
// keys, in one statement; each call gets its own outcome.
func (db *DB) flushAccess(ctx context.Context, calls []*call[accessItem]) {
	recs := make([]access.Record, 0, len(calls))
	ids := make([]string, 0, len(calls))
	for _, c := range calls {
		recs = append(recs, c.item.recs...)
		if c.item.keyID != "" {
			ids = append(ids, c.item.keyID)
		}
	}
	var err error
	var active []string // the valid keys among ids: a handful, searched in place
	switch {
	case len(ids) == 0:
		err = db.insertAudit(ctx, recs)
	default:
		sql, args := activeKeysSQL, []any{ids}
		if len(recs) > 0 {
			sql, args = auditAndActiveKeysSQL, append(auditArgs(recs), ids)
		}
		var rows pgx.Rows
		if rows, err = db.pool.Query(ctx, sql, args...); err == nil {
			var id string
			_, err = pgx.ForEachRow(rows, []any{&id}, func() error { active = append(active, id); return nil })
		}
		if err != nil {
			err = unavailable(err)
		}
	}
	for _, c := range calls {
		switch {
		case err != nil:
			c.err = err
		case c.item.keyID != "" && !slices.Contains(active, c.item.keyID):
			c.err = errKeyRevoked
		}
	}
}
