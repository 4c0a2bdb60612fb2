// Package auth tells who is calling from a bearer token: an OpenID Connect / JWT token from the
// county's identity provider, verified against its JWKS with coreos/go-oidc, or one of
// gridmap's own API keys, looked up hashed in PostgreSQL. What an identity may do is decided
// by geo/access, not here.
package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// KeyStore finds the identity of an API key (postgis.DB does).
type KeyStore interface {
	KeyIdentity(ctx context.Context, token string) (*access.Identity, error)
}

// JWTConfig names the identity provider whose tokens are accepted.
type JWTConfig struct {
	Issuer   string   // the iss every token must carry
	Audience string   // the aud every token must include (gridmap's client id)
	JWKSURL  string   // where the provider publishes its signing keys
	Algs     []string // accepted signing algorithms; default RS256 and ES256
	// GrantsClaim names the claim that lists the caller's grants as role:territory strings
	// (an array, or one space-separated string); default gridmap_grants.
	GrantsClaim string
}

// DeferredKeyStore is a KeyStore that can hand out a remembered key's identity before the
// check that the key is still valid has come back (postgis.DB does): confirm waits for it.
type DeferredKeyStore interface {
	KeyIdentityDeferred(ctx context.Context, token string) (id *access.Identity, confirm func() error, err error)
}

// Authenticator turns bearer tokens into identities. A nil part is switched off: with no
// JWT verifier, JWTs are refused; with no key store, API keys are.
type Authenticator struct {
	verifier    *oidc.IDTokenVerifier
	grantsClaim string
	keys        KeyStore
}

// New returns an Authenticator for the ways in that are given: jwt may be nil (no identity
// provider), keys may be nil (no API keys). It returns an Invalid error for an incomplete
// JWT configuration.
func New(ctx context.Context, jwt *JWTConfig, keys KeyStore) (*Authenticator, error) {
	a := &Authenticator{keys: keys}
	if jwt != nil {
		if jwt.Issuer == "" || jwt.Audience == "" || jwt.JWKSURL == "" {
			return nil, geo.Errorf(geo.Invalid, "JWT verification needs an issuer, an audience and a JWKS URL")
		}
		algs := jwt.Algs
		if len(algs) == 0 {
			algs = []string{oidc.RS256, oidc.ES256}
		}
		for _, alg := range algs {
			if strings.EqualFold(alg, "none") || strings.HasPrefix(strings.ToUpper(alg), "HS") {
				return nil, geo.Errorf(geo.Invalid, "JWT algorithm %q is not accepted: only public-key signatures", alg)
			}
		}
		// The key set fetches the JWKS when it first meets a key id and again when a token
		// names one it does not know, so the provider's key rotation needs no restart.
		keySet := oidc.NewRemoteKeySet(context.WithoutCancel(ctx), jwt.JWKSURL)
		a.verifier = oidc.NewVerifier(jwt.Issuer, keySet, &oidc.Config{ClientID: jwt.Audience, SupportedSigningAlgs: algs})
		a.grantsClaim = jwt.GrantsClaim
		if a.grantsClaim == "" {
			a.grantsClaim = "gridmap_grants"
		}
	}
	return a, nil
}

// refused is the one answer to every bad credential: which check failed is for the log.
func refused(cause error) error {
	return &geo.Error{Kind: geo.Unauthenticated, Message: "the bearer token is not valid", Err: cause}
}

// Identify returns the identity behind a bearer token; the empty token is the anonymous
// caller. Every bad token gives an Unauthenticated error with no detail for the client.
func (a *Authenticator) Identify(ctx context.Context, token string) (*access.Identity, error) {
	if token == "" {
		return access.Anonymous, nil
	}
	if strings.HasPrefix(token, access.KeyPrefix) {
		if a.keys == nil {
			return nil, refused(fmt.Errorf("API keys are switched off"))
		}
		id, err := a.keys.KeyIdentity(ctx, token)
		if geo.KindOf(err) == geo.Unauthenticated {
			return nil, refused(err)
		}
		return id, err
	}
	if a.verifier == nil {
		return nil, refused(fmt.Errorf("JWTs are switched off"))
	}
	tok, err := a.verifier.Verify(ctx, token)
	if err != nil {
		return nil, refused(err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, refused(err)
	}
	grants, err := grantsOf(claims[a.grantsClaim])
	if err != nil {
		return nil, refused(fmt.Errorf("claim %s: %w", a.grantsClaim, err))
	}
	return &access.Identity{Subject: "jwt:" + tok.Subject, Via: "jwt", Grants: grants}, nil
}

// IdentifyDeferred is Identify for a caller that holds its answer back until confirm
// returns nil (confirm nil: nothing to wait for). An API key already verified once is then
// checked for revocation while the request is being worked on, instead of before.
func (a *Authenticator) IdentifyDeferred(ctx context.Context, token string) (*access.Identity, func() error, error) {
	d, ok := a.keys.(DeferredKeyStore)
	if !ok || !strings.HasPrefix(token, access.KeyPrefix) {
		id, err := a.Identify(ctx, token)
		return id, nil, err
	}
	id, confirm, err := d.KeyIdentityDeferred(ctx, token)
	if err != nil {
		if geo.KindOf(err) == geo.Unauthenticated {
			return nil, nil, refused(err)
		}
		return nil, nil, err
	}
	if confirm == nil {
		return id, nil, nil
	}
	return id, func() error {
		err := confirm()
		if geo.KindOf(err) == geo.Unauthenticated {
			return refused(err)
		}
		return err
	}, nil
}

// grantsOf reads the grants claim: an array of strings or one space-separated string. A
// token without it is a known person with no grants (the public view).
func grantsOf(v any) ([]access.Grant, error) {
	var items []string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		items = strings.Fields(v)
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("expected strings, got %T", x)
			}
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf("expected an array of role:territory strings, got %T", v)
	}
	out := make([]access.Grant, 0, len(items))
	for _, s := range items {
		g, err := access.ParseGrant(s)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
