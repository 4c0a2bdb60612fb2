package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The change log's triggers NOTIFY gridmap_changes once per statement (migration 005). A
// follower listens on a connection of its own, outside the pool, and catches up as soon
// as a notification comes, instead of at its next poll: an edit reaches the lookups in
// milliseconds. The notification only wakes it: what changed is still read from the log
// by sequence number, so a lost notification costs nothing but the wait for the poll, and
// a standby, where LISTEN is not allowed, is followed by polling alone.

// changesChannel is the channel the change log's triggers notify.
const changesChannel = "gridmap_changes"

// listenForChanges signals wake, without blocking, for every notification on
// changesChannel until ctx ends, reconnecting after a failure (the poll goes on meanwhile).
// It stops for good when the server refuses LISTEN itself (a standby).
func (db *DB) listenForChanges(ctx context.Context, wake chan<- struct{}, log *slog.Logger) {
	var backoff time.Duration
	for {
		err := db.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errListenRefused) {
			log.Info("following the change log by polling only: the database refuses LISTEN", "err", err)
			return
		}
		// The poll's own warnings say the database is away; this says no more than that.
		backoff = min(max(2*backoff, 100*time.Millisecond), maxFollowBackoff)
		log.Debug("listening for changes", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// errListenRefused: the server answered LISTEN with an error (a standby refuses it), as
// opposed to failing to connect or losing the connection, which are retried.
var errListenRefused = errors.New("LISTEN refused")

// listenOnce listens on one connection until it fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context, wake chan<- struct{}) error {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return fmt.Errorf("%w: %w", errListenRefused, err)
		}
		return err
	}
	ring(wake) // changes committed while nobody listened
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		ring(wake)
	}
}

// ring signals wake unless a signal is already waiting there.
func ring(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
