package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/wire"
)

// statusOf maps the domain's error kinds to HTTP; this is the only place that does.
var statusOf = map[geo.Kind]struct {
	status int
	code   string
}{
	geo.Invalid:            {http.StatusBadRequest, "invalid"},
	geo.NotFound:           {http.StatusNotFound, "not_found"},
	geo.Conflict:           {http.StatusConflict, "conflict"},
	geo.Forbidden:          {http.StatusForbidden, "forbidden"},
	geo.Unauthenticated:    {http.StatusUnauthorized, "unauthenticated"},
	geo.Unavailable:        {http.StatusServiceUnavailable, "unavailable"},
	geo.Internal:           {http.StatusInternalServerError, "internal"},
	geo.PreconditionFailed: {http.StatusPreconditionFailed, "precondition_failed"},
	geo.Unprocessable:      {http.StatusUnprocessableEntity, "unprocessable"},
}

// detailOf is err as the client reads it: the status and code of its kind, the field and
// message of a *geo.Error, and only "internal error" for an internal one. The common case
// of a batch, a *geo.Error that wraps nothing of another kind (every point outside the
// data is one), skips the errors.As walks.
func detailOf(err error) wire.ErrorDetail {
	if ge, ok := err.(*geo.Error); ok {
		m := statusOf[ge.Kind]
		d := wire.ErrorDetail{Status: m.status, Code: m.code, Field: ge.Field, Message: ge.Message}
		if ge.Kind == geo.Internal {
			d.Message = "internal error"
		}
		return d
	}
	kind := geo.KindOf(err)
	m := statusOf[kind]
	d := wire.ErrorDetail{Status: m.status, Code: m.code, Message: err.Error()}
	var ge *geo.Error
	if errors.As(err, &ge) {
		d.Field, d.Message = ge.Field, ge.Message
	}
	if kind == geo.Internal {
		d.Message = "internal error"
	}
	return d
}

// writeError answers with err in the shared error shape. Internal errors are logged and
// shown to the client only as a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.DeadlineExceeded) {
		err = geo.Errorf(geo.Unavailable, "the request took too long")
	}
	d := detailOf(err)
	if kind := geo.KindOf(err); kind == geo.Internal || kind == geo.Unavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if d.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridmap"`)
	}
	writeJSON(w, d.Status, wire.ErrorBody{Error: d})
}

// inlineError turns one item's failure of a streamed answer into the detail written in its
// line; a cancelled or timed-out request instead stops the whole stream.
func inlineError(r *http.Request, err error) (*wire.ErrorDetail, error) {
	if ctxErr := r.Context().Err(); ctxErr != nil {
		return nil, ctxErr
	}
	d := detailOf(err)
	return &d, nil
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
