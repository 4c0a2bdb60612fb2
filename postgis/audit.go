package postgis

import (
	"context"

	"github.com/gridmap/gridmap/geo/access"
)

const insertAuditSQL = `
INSERT INTO audit_log (subject, via, action, target, remote, detail)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`

// Audit appends entries, all or none (a bulk read records each household it served), and
// returns once they are stored: the caller answers only then, so a read of personal data
// that cannot be recorded is not served. The entries of concurrent calls go into one insert
// (group commit, see group); each call waits for the insert that holds its entries.
func (db *DB) Audit(ctx context.Context, recs ...access.Record) error {
	if len(recs) == 0 {
		return nil
	}
	return db.access().statements.do(ctx, accessItem{recs: recs})
}

// insertAudit stores entries in one statement.
func (db *DB) insertAudit(ctx context.Context, recs []access.Record) error {
	if _, err := db.pool.Exec(ctx, insertAuditSQL, auditArgs(recs)...); err != nil {
		return unavailable(err)
	}
	return nil
}

// auditArgs are insertAuditSQL's arguments for recs: one array per column.
func auditArgs(recs []access.Record) []any {
	cols := make([][]string, 5)
	details := make([]*string, len(recs))
	for i, r := range recs {
		cols[0], cols[1], cols[2] = append(cols[0], r.Subject), append(cols[1], r.Via), append(cols[2], r.Action)
		cols[3], cols[4] = append(cols[3], r.Target), append(cols[4], r.Remote)
		if len(r.Detail) > 0 {
			d := string(r.Detail)
			details[i] = &d
		}
	}
	return []any{cols[0], cols[1], cols[2], cols[3], cols[4], details}
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
