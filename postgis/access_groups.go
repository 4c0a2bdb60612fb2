package postgis

import (
	"context"
	"sync"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// accessGroups are the grouped statements of access control (see group): audit inserts and
// checks that verified API keys are still valid, and the cache of verified keys. Made on
// first use, so a DB made any way has them.
type accessGroups struct {
	audits    group[[]access.Record]
	keyChecks group[string]

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

// groupFlushes is how many grouped statements of one kind run at once.
const groupFlushes = 2

func (db *DB) access() *accessGroups {
	db.accessOnce.Do(func() {
		a := &accessGroups{keys: map[keySecret]*access.Identity{}}
		a.audits = group[[]access.Record]{maxFlushes: groupFlushes, flush: db.flushAudits}
		a.keyChecks = group[string]{maxFlushes: groupFlushes, flush: db.flushKeyChecks}
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

// flushAudits stores the records of every call in one insert: all of them or none.
func (db *DB) flushAudits(ctx context.Context, calls []*call[[]access.Record]) {
	var recs []access.Record
	for _, c := range calls {
		recs = append(recs, c.item...)
	}
	err := db.insertAudit(ctx, recs)
	for _, c := range calls {
		c.err = err
	}
}

const activeKeysSQL = `SELECT id FROM api_keys WHERE id = ANY($1) AND revoked_at IS NULL`

// errKeyRevoked refuses a cached key that is no longer valid.
var errKeyRevoked = geo.Errorf(geo.Unauthenticated, "unknown or revoked API key")

// flushKeyChecks checks, in one query, that the keys of the calls are still valid.
func (db *DB) flushKeyChecks(ctx context.Context, calls []*call[string]) {
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = c.item
	}
	rows, err := db.pool.Query(ctx, activeKeysSQL, ids)
	active := map[string]bool{}
	if err == nil {
		for rows.Next() {
			var id string
			if err = rows.Scan(&id); err != nil {
				break
			}
			active[id] = true
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	for _, c := range calls {
		switch {
		case err != nil:
			c.err = unavailable(err)
		case !active[c.item]:
			c.err = errKeyRevoked
		}
	}
}
