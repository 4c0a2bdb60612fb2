package postgis

import "context"

// countAll counts units per level and the rows of the other tables.
const countAll = `
SELECT level, count(*) FROM units GROUP BY level
UNION ALL SELECT 'features', count(*) FROM features
UNION ALL SELECT 'tenhh_units', count(*) FROM tenhh_units
UNION ALL SELECT 'households', count(*) FROM households
UNION ALL SELECT 'people', count(*) FROM people
UNION ALL SELECT 'changes', count(*) FROM changes`

// Counts returns how many rows the database holds, keyed by unit level and by table.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, countAll)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
