package postgis

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// settledSeq is the change-log position a snapshot reflects: the newest commit number it sees.
// Commit numbers are handed out in the order commits become visible (migration 007), so a
// snapshot that sees commit N sees every commit below it, and nothing waits on transactions
// that are still running, here or in another database of the cluster.
const settledSeq = `SELECT coalesce(max(seq), 0) FROM change_commits`

// changesSince lists the log rows, of the entities a follower wants, of the next commits
// after a position, whole commits only, in commit order. A commit with no such rows still
// comes back (entity NULL), so the position moves past it. A batch is bounded by a number of
// commits; the follower comes back for the rest.
const changesSince = `
WITH next AS (
    SELECT txid, seq FROM change_commits WHERE seq > $1 ORDER BY seq LIMIT $3
)
SELECT n.seq, c.entity, c.key
FROM next n LEFT JOIN changes c ON c.txid = n.txid AND c.entity = ANY($2)
ORDER BY n.seq`

// unitsByCode reads the current rows of the given units (a deleted unit has none).
const unitsByCode = `
SELECT code, level, name, coalesce(parent_code, ''), ST_AsBinary(geom), version
FROM units WHERE code = ANY($1)`

// responsibilitiesOf reads who now answers for the given units.
const responsibilitiesOf = `
SELECT p.id, p.name, p.phone, r.role, r.unit_code
FROM responsibilities r JOIN people p ON p.id = r.person_id
WHERE r.unit_code = ANY($1)`

// SnapshotAt reads all units and people, and the change-log position the read reflects,
// in one repeatable-read transaction, so following the log from that position misses
// nothing (a change may be applied twice, which is harmless: it re-reads the current row).
func (db *DB) SnapshotAt(ctx context.Context) (units []geo.Unit, people []geo.Responsibility, seq int64, err error) {
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, settledSeq).Scan(&seq); err != nil {
			return err
		}
		units, people, err = snapshot(ctx, tx)
		return err
	})
	if err != nil && geo.KindOf(err) == geo.Internal {
		err = unavailable(err)
	}
	return units, people, seq, err
}

// Entities a follower can ask for; they name the change log's entity column.
const (
	UnitEntity           = "unit"
	ResponsibilityEntity = "responsibility"
	FeatureEntity        = "feature"
	HouseholdEntity      = "household"
	TenHHEntity          = "tenhh" // a ten-household unit or its heads (migration 011)
)

// Follow applies changes of the given entities (all when none are named) from the change log
// to sink until ctx ends: at once when the database notifies a change (see follow_wake.go),
// and every interval in any case. Reading by sequence number, with the poll as the floor,
// keeps it working on a read replica, where no notification comes. Database errors are
// logged and retried; the sink keeps answering from what it has.
func (db *DB) Follow(ctx context.Context, sink geo.ChangeSink, interval time.Duration, log *slog.Logger, entities ...string) {
	if len(entities) == 0 {
		entities = []string{UnitEntity, ResponsibilityEntity, FeatureEntity, HouseholdEntity}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	wake := make(chan struct{}, 1)
	go db.listenForChanges(ctx, wake, log)
	var failing time.Duration // how long to wait after a failure; 0 while all is well
	var last time.Time        // when the last catch-up started
	var spacing time.Duration // the least time from it to a catch-up a notification starts
	for {
		last = time.Now()
		for {
			commits, err := db.catchUp(ctx, sink, entities)
			if err != nil {
				if errors.Is(err, context.Canceled) || ctx.Err() != nil {
					return
				}
				// One warning per failure, spaced out while the database stays away.
				failing = min(max(2*failing, interval), maxFollowBackoff)
				log.Warn("following the change log", "err", err, "retry_in", failing)
				break
			}
			failing = 0
			if commits < commitBatch {
				break
			}
		}
		// Three times the catch-up's own time, so that a stream of small edits, each ringing,
		// keeps a follower busy a third of the time at most (a shard rebuild takes ms).
		spacing = max(wakeSpacing, 3*time.Since(last))
		wait, woken := t.C, (<-chan struct{})(wake)
		if failing > 0 {
			wait, woken = time.After(failing), nil // no notification comes while the database is away
		}
		select {
		case <-ctx.Done():
			return
		case <-wait:
		case <-woken:
			// Statements in quick succession ring once each: one catch-up per spacing
			// serves them all, as the poll would.
			if d := spacing - time.Since(last); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
		}
	}
}

// wakeSpacing is the least time between catch-ups notifications start.
const wakeSpacing = 10 * time.Millisecond

// commitBatch bounds how many commits one batch reads.
const commitBatch = 1000

// maxFollowBackoff is the longest wait between retries while the database is unreachable.
const maxFollowBackoff = 10 * time.Second

// catchUp applies the next batch of commits after the sink's position and returns how many
// commits it read.
func (db *DB) catchUp(ctx context.Context, sink geo.ChangeSink, entities []string) (int, error) {
	rows, err := db.pool.Query(ctx, changesSince, sink.Seq(), entities, commitBatch)
	if err != nil {
		return 0, err
	}
	ch := geo.Changes{}
	keys := map[string][]string{}
	seen := map[[2]string]bool{}
	commits := 0
	for rows.Next() {
		var seq int64
		var entity, key *string // NULL: a commit with nothing this follower wants
		if err := rows.Scan(&seq, &entity, &key); err != nil {
			rows.Close()
			return commits, err
		}
		if seq != ch.Seq {
			commits++
			ch.Seq = seq
		}
		if entity == nil {
			continue
		}
		if k := [2]string{*entity, *key}; !seen[k] {
			seen[k] = true
			keys[*entity] = append(keys[*entity], *key)
		}
	}
	if err := rows.Err(); err != nil {
		return commits, err
	}
	if commits == 0 {
		return 0, nil
	}
	if len(keys) == 0 {
		return commits, sink.Apply(ch) // moves the position past commits of other entities
	}
	if err := db.readChanges(ctx, keys, &ch); err != nil {
		return commits, err
	}
	return commits, sink.Apply(ch)
}

// readChanges reads the current rows of the changed keys, in one repeatable-read transaction
// so that a batch is consistent; a key with no row any more is a delete.
func (db *DB) readChanges(ctx context.Context, keys map[string][]string, ch *geo.Changes) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if codes := keys[UnitEntity]; len(codes) > 0 {
			rows, err := tx.Query(ctx, unitsByCode, codes)
			if err != nil {
				return err
			}
			if ch.Units, err = scanUnits(rows); err != nil {
				return err
			}
			ch.DeletedUnits = missing(codes, ch.Units, func(u geo.Unit) string { return u.Code })
		}
		if codes := keys[ResponsibilityEntity]; len(codes) > 0 {
			rows, err := tx.Query(ctx, responsibilitiesOf, codes)
			if err != nil {
				return err
			}
			rs, err := scanResponsibilities(rows)
			if err != nil {
				return err
			}
			ch.People = make(map[string][]geo.Responsibility, len(codes))
			for _, c := range codes {
				ch.People[c] = nil
			}
			for _, r := range rs {
				ch.People[r.UnitCode] = append(ch.People[r.UnitCode], r)
			}
		}
		if ids := keys[FeatureEntity]; len(ids) > 0 {
			fs, err := readFeatures(ctx, tx, ids)
			if err != nil {
				return err
			}
			ch.Features = fs
			ch.DeletedFeatures = missing(ids, fs, func(f geo.Feature) string { return f.ID })
		}
		if ids := keys[HouseholdEntity]; len(ids) > 0 {
			hs, err := readHouseholds(ctx, tx, ids)
			if err != nil {
				return err
			}
			ch.Households = hs
			ch.DeletedHouseholds = missing(ids, hs, func(h geo.Household) string { return h.ID })
		}
		if codes := keys[TenHHEntity]; len(codes) > 0 {
			ts, err := readTenHH(ctx, tx, codes)
			if err != nil {
				return err
			}
			ch.TenHH = ts
			ch.DeletedTenHH = missing(codes, ts, func(t geo.TenHHUnit) string { return t.Code })
		}
		return nil
	})
}

// missing returns the keys that no row was found for.
func missing[T any](keys []string, found []T, key func(T) string) []string {
	have := make(map[string]bool, len(found))
	for _, f := range found {
		have[key(f)] = true
	}
	var out []string
	for _, k := range keys {
		if !have[k] {
			out = append(out, k)
		}
	}
	return out
}

// LatestSeq returns the newest change-log commit number, for reporting how far a follower
// lags.
func (db *DB) LatestSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM change_commits`).Scan(&seq)
	if err != nil {
		return 0, unavailable(err)
	}
	return seq, nil
}

// Lag says how far a follower at position seq is behind the log: how many commits it has not
// applied and how long ago the oldest of them committed (0 when it is up to date).
func (db *DB) Lag(ctx context.Context, seq int64) (commits int64, seconds float64, err error) {
	err = db.pool.QueryRow(ctx, `
		SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(committed_at)), 0)::float8
		FROM change_commits WHERE seq > $1`, seq).Scan(&commits, &seconds)
	if err != nil {
		return 0, 0, unavailable(err)
	}
	return commits, seconds, nil
}
