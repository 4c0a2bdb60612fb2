package postgis

import (
	"context"

	"github.com/gridmap/gridmap/geo/access"
)

const insertAuditSQL = `
INSERT INTO audit_log (subject, via, action, target, remote, detail) VALUES ($1, $2, $3, $4, $5, $6)`

// Audit appends one entry. The caller answers only after it is stored: a read of personal
// data that cannot be recorded is not served.
func (db *DB) Audit(ctx context.Context, e access.Record) error {
	var detail any
	if len(e.Detail) > 0 {
		detail = e.Detail
	}
	if _, err := db.pool.Exec(ctx, insertAuditSQL, e.Subject, e.Via, e.Action, e.Target, e.Remote, detail); err != nil {
		return unavailable(err)
	}
	return nil
}

const auditSinceSQL = `
SELECT id, at, subject, via, action, target, remote, detail FROM audit_log
WHERE id > $1 AND ($2 = '' OR left(target, length($2)) = $2) AND ($3 = '' OR subject = $3)
ORDER BY id LIMIT $4`

// AuditLog lists entries after id after, oldest first, optionally only those whose target
// lies in a territory (a code prefix) or of one subject, at most limit of them.
func (db *DB) AuditLog(ctx context.Context, after int64, territory, subject string, limit int) ([]access.Record, error) {
	rows, err := db.pool.Query(ctx, auditSinceSQL, after, territory, subject, limit)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []access.Record
	for rows.Next() {
		var e access.Record
		var detail []byte
		if err := rows.Scan(&e.ID, &e.At, &e.Subject, &e.Via, &e.Action, &e.Target, &e.Remote, &detail); err != nil {
			return nil, err
		}
		e.Detail = detail
		out = append(out, e)
	}
	return out, rows.Err()
}
