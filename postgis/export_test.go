package postgis

import (
	"context"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OverPool returns a DB over pool without checking that it answers, as Open does: the
// tests use it to meet a database that is not there.
func OverPool(pool *pgxpool.Pool) *DB { return &DB{pool: pool} }

// CheckCoverageOverlay is CheckCoverage without the edge prefilter: the plain PostGIS
// overlay the prefilter is tested against.
func CheckCoverageOverlay(ctx context.Context, pool *pgxpool.Pool, parent geo.Candidate, children []geo.Candidate, tol float64) ([]geo.Finding, error) {
	return checkCoverage(ctx, pool, parent, children, tol, false)
}
