package baseline

import (
	"context"
	"fmt"
)

// FirstCounty returns the smallest county code in the database, the unit the coverage bench
// reports on when none is named.
func (db *DB) FirstCounty(ctx context.Context) (string, error) {
	var code string
	if err := db.pool.QueryRow(ctx, `SELECT code FROM units WHERE level = 'county' ORDER BY code LIMIT 1`).Scan(&code); err != nil {
		return "", fmt.Errorf("no county in the database (is data loaded?): %w", err)
	}
	return code, nil
}
