// Package baseline is PostGIS doing gridmap's work the way a plain PostGIS service would:
// one ST_AsMVT query per tile, one ST_Covers query per point, one join for a batch of
// points. gridmap serves none of it; `gridmap bench` measures the in-memory paths against
// it (and reads the area it draws random points from here), and tests check that both give
// the same answers. Its SQL runs on a pool of its own, so package postgis keeps its pool
// to itself.
package baseline

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB runs the baseline queries on a pool of its own.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url with as many connections as gridmap's own pool
// (postgis.Open) keeps, so that the baselines are not held back by a smaller one.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.MaxConns = max(cfg.MaxConns, 8)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &DB{pool: pool}, nil
}

// New runs the baseline queries on pool, which stays the caller's to close.
func New(pool *pgxpool.Pool) *DB { return &DB{pool: pool} }

// Close releases the connections.
func (db *DB) Close() { db.pool.Close() }
