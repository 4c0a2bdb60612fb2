package api

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// Identifier tells who is calling from a bearer token (auth.Authenticator does); the empty
// token is the anonymous caller.
type Identifier interface {
	Identify(ctx context.Context, token string) (*access.Identity, error)
}

// Auditor records reads of personal data and publishes (postgis.DB does). A request whose
// audit record cannot be written is not answered.
type Auditor interface {
	Audit(ctx context.Context, recs ...access.Record) error
	// AuditLog lists records after id after, of targets in territory (a code prefix, ""
	// for all) and of one subject ("" for all), oldest first, at most limit.
	AuditLog(ctx context.Context, after int64, territory, subject string, limit int) ([]access.Record, error)
}

type identityKey struct{}

// identify puts the caller's identity into the request context: the bearer token of the
// Authorization header, or ?token= for map clients that cannot set headers on tile
// requests. A token that does not verify is refused with 401 at once, whatever the path,
// so a client learns its credentials are wrong rather than getting the public view.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearerToken(r)
		if tok == "" {
			next.ServeHTTP(w, r) // anonymous: identityOf finds no identity (no copy of r)
			return
		}
		if s.deps.Auth == nil {
			s.writeError(w, r, geo.Errorf(geo.Unauthenticated, "this server takes no credentials"))
			return
		}
		refuse := func(err error) {
			if geo.KindOf(err) == geo.Unauthenticated {
				s.log.Info("refused credentials", "path", r.URL.Path, "remote", remoteAddr(r), "reason", err)
			}
			s.writeError(w, r, err)
		}
		var id *access.Identity
		var confirm func() error
		var err error
		if d, ok := s.deps.Auth.(deferredIdentifier); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			id, confirm, err = d.IdentifyDeferred(r.Context(), tok)
		} else {
			id, err = s.deps.Auth.Identify(r.Context(), tok)
		}
		if err != nil {
			refuse(err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), identityKey{}, id))
		if confirm == nil {
			next.ServeHTTP(w, r)
			return
		}
		cw := newConfirmWriter(w, confirm, refuse)
		next.ServeHTTP(cw, r)
		cw.settle() // a handler that wrote nothing: net/http answers 200 only if confirmed
	})
}

func bearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return "\x00malformed" // an Authorization header we cannot read is a bad credential
	}
	return ""
}

// identityOf returns the caller's identity; anonymous when the middleware did not run.
func identityOf(r *http.Request) *access.Identity {
	if id, ok := r.Context().Value(identityKey{}).(*access.Identity); ok {
		return id
	}
	return access.Anonymous
}

// permit checks that the caller may do action to the unit or household with this code. The
// refusal names the territory asked about and nothing of its data: 401 for the anonymous
// caller (credentials would help), 403 otherwise.
func permit(r *http.Request, action access.Action, code string) error {
	id := identityOf(r)
	if id.May(action, code) {
		return nil
	}
	if id == access.Anonymous {
		return geo.Errorf(geo.Unauthenticated, "this needs credentials: a bearer token or an API key")
	}
	where := code
	if where == "" {
		where = "any territory"
	}
	return geo.Errorf(geo.Forbidden, "%s may not %s in %s", id.Subject, action, where)
}

// audit records an access to personal data or a publish; without an Auditor it records
// nothing (tests of other concerns).
func (s *Server) audit(r *http.Request, action string, targets ...string) error {
	if s.deps.Audit == nil || len(targets) == 0 {
		return nil
	}
	id, remote := identityOf(r), remoteAddr(r)
	recs := make([]access.Record, len(targets))
	for i, t := range targets {
		recs[i] = access.Record{Subject: id.Subject, Via: id.Via, Action: action, Target: t, Remote: remote}
	}
	if err := s.deps.Audit.Audit(r.Context(), recs...); err != nil {
		return &geo.Error{Kind: geo.Unavailable, Message: "the access could not be recorded", Err: err}
	}
	return nil
}

// remoteAddr is the client's address as the connection shows it (no proxy headers: those
// can be forged unless a trusted proxy is configured).
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
