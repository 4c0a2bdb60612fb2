// Package postgis holds every query gridmap sends to PostgreSQL/PostGIS: the schema
// migrations, imports, the resolver's lookups and the change log.
package postgis

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is gridmap's handle on its database.
type DB struct {
	pool *pgxpool.Pool

	accessOnce sync.Once
	groups     *accessGroups // access(): grouped audit inserts and key checks, verified keys
}

// Open connects to the database at url and checks that it answers. It returns an
// Unavailable error when it cannot reach it.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, geo.Errorf(geo.Invalid, "DATABASE_URL: %v", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &geo.Error{Kind: geo.Unavailable, Message: "cannot connect to the database", Err: err}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &geo.Error{Kind: geo.Unavailable, Message: "cannot reach the database", Err: err} // the CLI prints the cause once
	}
	return &DB{pool: pool}, nil
}

// Close releases the connections.
func (db *DB) Close() { db.pool.Close() }

// Ping returns an Unavailable error when the database does not answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return &geo.Error{Kind: geo.Unavailable, Message: "database unreachable", Err: err}
	}
	return nil
}

// constraintError turns a violated constraint into an Invalid error that names it, and
// returns other errors unchanged.
func constraintError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code[:2] == "23") {
		msg := pe.Message
		// "Key (code)=(...) already exists" says what clashed; "Failing row contains (...)"
		// dumps the whole row (a boundary in hex), which names nothing the caller can fix.
		if pe.Detail != "" && !strings.HasPrefix(pe.Detail, "Failing row contains") {
			msg += ": " + pe.Detail
		}
		return &geo.Error{Kind: geo.Invalid, Message: msg, Err: err}
	}
	return err
}
