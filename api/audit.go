package api

import (
	"net/http"
	"strconv"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// auditLimit bounds one page of the audit log.
const auditLimit = 1000

// auditLog answers GET /v1/audit?territory=&subject=&after=&limit= for administrators: the
// records of their territory (all of them for an administrator of every unit), oldest
// first; the next page starts after the last id.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	if s.deps.Audit == nil {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no audit log on this server"))
		return
	}
	q := r.URL.Query()
	territory := q.Get("territory")
	id := identityOf(r)
	if territory == "" {
		// Without a territory: the caller's own, when it has exactly one.
		ts := id.Territories(access.ReadAudit)
		if len(ts) == 1 {
			territory = ts[0]
		} else if len(ts) > 1 {
			s.writeError(w, r, geo.FieldError("territory", "name one of your territories"))
			return
		}
	}
	if err := access.CheckTerritory(territory); err != nil {
		s.writeError(w, r, geo.FieldError("territory", "%v", err))
		return
	}
	if err := permitAll(r, access.ReadAudit, territory); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit := int64(0), auditLimit
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.writeError(w, r, geo.FieldError("after", "a record id, a whole number"))
			return
		}
		after = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditLimit {
			s.writeError(w, r, geo.FieldError("limit", "1 to %d", auditLimit))
			return
		}
		limit = n
	}
	recs, err := s.deps.Audit.AuditLog(r.Context(), after, territory, q.Get("subject"), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if recs == nil {
		recs = []access.Record{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"territory": territory, "records": recs})
}

// permitAll is permit for a territory, where the empty territory means every unit: only a
// grant over every unit covers it.
func permitAll(r *http.Request, action access.Action, territory string) error {
	if territory != "" {
		return permit(r, action, territory)
	}
	id := identityOf(r)
	if ts := id.Territories(action); len(ts) == 1 && ts[0] == "" {
		return nil
	}
	if id == access.Anonymous {
		return permit(r, action, "")
	}
	return geo.Errorf(geo.Forbidden, "%s may not %s in every unit", id.Subject, action)
}
