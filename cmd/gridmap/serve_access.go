package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"strings"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/auth"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"golang.org/x/time/rate"
)

// accessFlags are serve's settings for who may call and how often.
type accessFlags struct {
	modes                         string
	issuer, audience, jwks, claim string
	rateAnonymous, rateKnown      float64
	cors                          string
	maxConns                      int
}

func (a *accessFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.modes, "auth", envOr("GRIDMAP_AUTH", "keys"), "ways in for callers with credentials: keys, jwt, keys,jwt or none (env GRIDMAP_AUTH); anonymous callers get the public map and lookups either way")
	fs.StringVar(&a.issuer, "jwt-issuer", envOr("GRIDMAP_JWT_ISSUER", ""), "issuer (iss) of accepted JWTs (env GRIDMAP_JWT_ISSUER)")
	fs.StringVar(&a.audience, "jwt-audience", envOr("GRIDMAP_JWT_AUDIENCE", "gridmap"), "audience (aud) accepted JWTs must name (env GRIDMAP_JWT_AUDIENCE)")
	fs.StringVar(&a.jwks, "jwt-jwks", envOr("GRIDMAP_JWT_JWKS", ""), "URL of the identity provider's JWKS (env GRIDMAP_JWT_JWKS)")
	fs.StringVar(&a.claim, "jwt-grants-claim", envOr("GRIDMAP_JWT_GRANTS_CLAIM", "gridmap_grants"), "JWT claim listing the caller's grants as role:territory (env GRIDMAP_JWT_GRANTS_CLAIM)")
	fs.Float64Var(&a.rateAnonymous, "rate-anonymous", 100, "requests per second per address without credentials (0: no limit)")
	fs.Float64Var(&a.rateKnown, "rate-key", 1000, "requests per second per API key or signed-in person (0: no limit)")
	fs.StringVar(&a.cors, "cors-origins", envOr("GRIDMAP_CORS_ORIGINS", ""), "comma-separated origins whose pages may call the API, or * (env GRIDMAP_CORS_ORIGINS)")
	fs.IntVar(&a.maxConns, "max-conns", 4096, "most connections served at once; more wait to be accepted")
}

// apply sets the API's identities, audit, limits and CORS from the flags.
func (a *accessFlags) apply(ctx context.Context, d *api.Deps, db *postgis.DB, log *slog.Logger) error {
	var jwt *auth.JWTConfig
	var keys auth.KeyStore
	for _, m := range strings.Split(a.modes, ",") {
		switch strings.TrimSpace(m) {
		case "none", "":
		case "keys":
			keys = db
		case "jwt":
			jwt = &auth.JWTConfig{Issuer: a.issuer, Audience: a.audience, JWKSURL: a.jwks, GrantsClaim: a.claim}
		default:
			return geo.FieldError("-auth", "%q is not keys, jwt or none", m)
		}
	}
	authn, err := auth.New(ctx, jwt, keys)
	if err != nil {
		return err
	}
	d.Auth, d.Audit = authn, db
	d.Limits = api.Limits{Anonymous: rate.Limit(a.rateAnonymous), Known: rate.Limit(a.rateKnown), Burst: 0}
	if a.cors != "" {
		for _, o := range strings.Split(a.cors, ",") {
			d.CORSOrigins = append(d.CORSOrigins, strings.TrimSpace(o))
		}
	}
	log.Info("access", "auth", a.modes, "jwt_issuer", a.issuer, "rate_anonymous", a.rateAnonymous, "rate_key", a.rateKnown, "cors", d.CORSOrigins)
	return nil
}

// capConnections accepts at most n connections at a time: the next waits in the kernel's
// backlog until one closes, so a flood of idle or half-sent requests cannot exhaust the
// process.
func capConnections(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &cappedListener{Listener: ln, slots: make(chan struct{}, n)}
}

type cappedListener struct {
	net.Listener
	slots chan struct{}
}

func (l *cappedListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &cappedConn{Conn: c, release: func() { <-l.slots }}, nil
}

type cappedConn struct {
	net.Conn
	release func()
	closed  bool
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	if !c.closed {
		c.closed = true
		c.release()
	}
	return err
}
