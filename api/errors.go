package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gridmap/gridmap/geo"
)

// errorBody is the one shape of every error the API returns:
//
//	{"error": {"status": 400, "code": "invalid", "field": "lon", "message": "..."}}
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// statusOf maps the domain's error kinds to HTTP; this is the only place that does.
var statusOf = map[geo.Kind]struct {
	status int
	code   string
}{
	geo.Invalid:         {http.StatusBadRequest, "invalid"},
	geo.NotFound:        {http.StatusNotFound, "not_found"},
	geo.Conflict:        {http.StatusConflict, "conflict"},
	geo.Forbidden:       {http.StatusForbidden, "forbidden"},
	geo.Unauthenticated: {http.StatusUnauthorized, "unauthenticated"},
	geo.Unavailable:     {http.StatusServiceUnavailable, "unavailable"},
	geo.Internal:        {http.StatusInternalServerError, "internal"},
}

// writeError answers with err in the shared error shape. Internal errors are logged and
// shown to the client only as a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := geo.KindOf(err)
	if errors.Is(err, context.DeadlineExceeded) {
		kind = geo.Unavailable
		err = geo.Errorf(geo.Unavailable, "the request took too long")
	}
	m := statusOf[kind]
	d := errorDetail{Status: m.status, Code: m.code, Message: err.Error()}
	var ge *geo.Error
	if errors.As(err, &ge) {
		d.Field, d.Message = ge.Field, ge.Message
	}
	if kind == geo.Internal || kind == geo.Unavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		if kind == geo.Internal {
			d.Message = "internal error"
		}
	}
	if kind == geo.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridmap"`)
	}
	writeJSON(w, m.status, errorBody{Error: d})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("writing response", "err", err)
	}
}
