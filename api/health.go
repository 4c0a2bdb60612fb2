package api

import "net/http"

// healthz says the process is up; it never touches the database.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether the service can answer: 503 when the database is unreachable. When
// lookups come from the in-memory index, it also reports how far the index is behind.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"status": "ready", "database": "reachable"}
	if s.deps.IndexStatus != nil {
		st := s.deps.IndexStatus(r.Context())
		body["index"] = st
		// An index that has fallen too far behind the change log answers with old data:
		// say so, so a load balancer sends the traffic elsewhere.
		if lagging, _ := st["lagging"].(bool); lagging {
			body["status"] = "lagging"
			writeJSON(w, http.StatusServiceUnavailable, body)
			return
		}
	}
	if s.deps.Ready != nil {
		if err := s.deps.Ready(r.Context()); err != nil {
			body["status"], body["database"], body["error"] = "unavailable", "unreachable", err.Error()
			writeJSON(w, http.StatusServiceUnavailable, body)
			return
		}
	}
	writeJSON(w, http.StatusOK, body)
}
