package postgis

import "github.com/jackc/pgx/v5/pgxpool"

// OverPool returns a DB over pool without checking that it answers, as Open does: the
// tests use it to meet a database that is not there.
func OverPool(pool *pgxpool.Pool) *DB { return &DB{pool: pool} }
