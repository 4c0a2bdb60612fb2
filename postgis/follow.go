package postgis

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// settledSeq is the change-log position up to which no transaction can still commit a row:
// every transaction older than the current snapshot's xmin has ended, so the rows it wrote
// are visible now or never. Sequence numbers are taken before commit, so a reader that
// simply took max(seq) could skip a number a slower transaction commits later.
const settledSeq = `
SELECT coalesce(max(seq), 0) FROM changes WHERE txid < pg_snapshot_xmin(pg_current_snapshot())`

// changesSince lists what changed after a position, up to the settled position, for the
// entities a follower wants. A batch is bounded; the follower comes back for the rest.
const changesSince = `
SELECT seq, entity, key FROM changes
WHERE seq > $1 AND entity = ANY($2) AND txid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY seq
LIMIT 50000`

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
)

// Follow applies changes of the given entities (all when none are named) from the change log
// to sink until ctx ends, polling every interval. Polling by sequence number (not LISTEN)
// keeps it working on a read replica. Database errors are logged and retried; the sink keeps
// answering from what it has.
func (db *DB) Follow(ctx context.Context, sink geo.ChangeSink, interval time.Duration, log *slog.Logger, entities ...string) {
	if len(entities) == 0 {
		entities = []string{UnitEntity, ResponsibilityEntity, FeatureEntity, HouseholdEntity}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := db.catchUp(ctx, sink, entities)
			if err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("following the change log", "err", err)
			}
			if err != nil || n < changeBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// changeBatch is the LIMIT of changesSince.
const changeBatch = 50000

// catchUp applies the next batch of settled changes after the sink's position and returns
// how many log rows it read.
func (db *DB) catchUp(ctx context.Context, sink geo.ChangeSink, entities []string) (int, error) {
	rows, err := db.pool.Query(ctx, changesSince, sink.Seq(), entities)
	if err != nil {
		return 0, err
	}
	ch := geo.Changes{}
	keys := map[string][]string{}
	seen := map[[2]string]bool{}
	n := 0
	for rows.Next() {
		var entity, key string
		if err := rows.Scan(&ch.Seq, &entity, &key); err != nil {
			rows.Close()
			return n, err
		}
		n++
		if k := [2]string{entity, key}; !seen[k] {
			seen[k] = true
			keys[entity] = append(keys[entity], key)
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if n == 0 {
		return 0, nil
	}
	if err := db.readChanges(ctx, keys, &ch); err != nil {
		return n, err
	}
	return n, sink.Apply(ch)
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

// LatestSeq returns the newest change-log sequence number, for reporting how far a follower
// lags.
func (db *DB) LatestSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq)
	if err != nil {
		return 0, unavailable(err)
	}
	return seq, nil
}
