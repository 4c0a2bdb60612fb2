// Package baseline is PostGIS doing gridmap's work the way a generic PostGIS server would:
// one ST_AsMVT query per tile. gridmap does not serve from it; `gridmap bench` measures the
// in-memory paths against it, and tests check that both give the same answers.
package baseline

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB runs the baseline queries on a pool of its own.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url.
func Open(ctx context.Context, url string) (*DB, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	return &DB{pool: pool}, nil
}

// New runs the baseline queries on pool, which stays the caller's to close.
func New(pool *pgxpool.Pool) *DB { return &DB{pool: pool} }

// Close releases the connections.
func (db *DB) Close() { db.pool.Close() }
