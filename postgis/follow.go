package postgis

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
)

// UnitSink is what follows the unit changes: the live resolver index.
type UnitSink interface {
	Seq() int64
	Apply(seq int64, upserts []geo.Unit, deletes []string) error
}

// settledSeq is the change-log position up to which no transaction can still commit a row:
// every transaction older than the current snapshot's xmin has ended, so the rows it wrote
// are visible now or never. Sequence numbers are taken before commit, so a reader that
// simply took max(seq) could skip a number a slower transaction commits later.
const settledSeq = `
SELECT coalesce(max(seq), 0) FROM changes WHERE txid < pg_snapshot_xmin(pg_current_snapshot())`

// unitChangesSince lists the units changed after a position, up to the settled position.
const unitChangesSince = `
SELECT seq, key FROM changes
WHERE entity = 'unit' AND seq > $1 AND txid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY seq
LIMIT 50000`

// unitsByCode reads the current rows of the given units (a deleted unit has none).
const unitsByCode = `
SELECT code, level, name, coalesce(parent_code, ''), ST_AsBinary(geom), version
FROM units WHERE code = ANY($1)`

// SnapshotAt reads all units and people, and the change-log position the read reflects,
// in one repeatable-read transaction, so following the log from that position misses
// nothing (a change may be applied twice, which is harmless: it re-reads the current row).
func (db *DB) SnapshotAt(ctx context.Context) (units []geo.Unit, people []geo.Responsibility, seq int64, err error) {
	err = pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
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

// Follow applies unit changes from the change log to sink until ctx ends, polling every
// interval. Polling by sequence number (not LISTEN) keeps it working on a read replica.
// Database errors are logged and retried; the sink keeps answering from what it has.
func (db *DB) Follow(ctx context.Context, sink UnitSink, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := db.catchUp(ctx, sink); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("following the change log", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// catchUp applies every settled unit change after the sink's position.
func (db *DB) catchUp(ctx context.Context, sink UnitSink) error {
	rows, err := db.Pool.Query(ctx, unitChangesSince, sink.Seq())
	if err != nil {
		return err
	}
	var last int64
	seen := map[string]bool{}
	var codes []string
	for rows.Next() {
		var key string
		if err := rows.Scan(&last, &key); err != nil {
			rows.Close()
			return err
		}
		if !seen[key] {
			seen[key] = true
			codes = append(codes, key)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	rows, err = db.Pool.Query(ctx, unitsByCode, codes)
	if err != nil {
		return err
	}
	upserts, err := scanUnits(rows)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, u := range upserts {
		found[u.Code] = true
	}
	var deletes []string
	for _, c := range codes {
		if !found[c] {
			deletes = append(deletes, c)
		}
	}
	return sink.Apply(last, upserts, deletes)
}

// LatestSeq returns the newest change-log sequence number, for reporting how far a follower
// lags.
func (db *DB) LatestSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq)
	if err != nil {
		return 0, unavailable(err)
	}
	return seq, nil
}
