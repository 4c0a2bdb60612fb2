package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// provider is an identity provider for tests: it publishes a JWKS over real HTTP and signs
// tokens with its current key; rotate replaces the key.
type provider struct {
	t   testing.TB
	srv *httptest.Server
	mu  sync.Mutex
	key jose.JSONWebKey // private, current
	old []jose.JSONWebKey
}

func newProvider(t testing.TB) *provider {
	p := &provider{t: t}
	p.rotate(false)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{p.key.Public()}}
		for _, k := range p.old {
			set.Keys = append(set.Keys, k.Public())
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// rotate makes a new signing key; keepOld leaves the previous one published.
func (p *provider) rotate(keepOld bool) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if keepOld && p.key.Key != nil {
		p.old = append(p.old, p.key)
	} else {
		p.old = nil
	}
	p.key = jose.JSONWebKey{Key: k, KeyID: "k" + time.Now().Format("150405.000000"), Algorithm: "RS256", Use: "sig"}
}

const (
	issuer   = "https://id.example.gov.cn/realms/county"
	audience = "gridmap"
)

func claims(sub string, mod func(c map[string]any)) map[string]any {
	c := map[string]any{
		"iss": issuer, "aud": audience, "sub": sub,
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(),
		"gridmap_grants": []string{"planner:520204103", "viewer:520204"},
	}
	if mod != nil {
		mod(c)
	}
	return c
}

func (p *provider) sign(c map[string]any) string {
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	return signWith(p.t, jose.SigningKey{Algorithm: jose.RS256, Key: key}, key.KeyID, c)
}

func signWith(t testing.TB, sk jose.SigningKey, kid string, c map[string]any) string {
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(sk, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func newAuth(t testing.TB, p *provider, keys KeyStore) *Authenticator {
	a, err := New(context.Background(), &JWTConfig{Issuer: issuer, Audience: audience, JWKSURL: p.srv.URL}, keys)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestJWTAccepted(t *testing.T) {
	p := newProvider(t)
	a := newAuth(t, p, nil)
	id, err := a.Identify(context.Background(), p.sign(claims("u-1", nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := []access.Grant{{Role: access.Planner, Territory: "520204103"}, {Role: access.Viewer, Territory: "520204"}}
	if id.Subject != "jwt:u-1" || id.Via != "jwt" || len(id.Grants) != 2 || id.Grants[0] != want[0] || id.Grants[1] != want[1] {
		t.Fatalf("identity %+v", id)
	}
	// The grants may come as one space-separated string too.
	id, err = a.Identify(context.Background(), p.sign(claims("u-2", func(c map[string]any) { c["gridmap_grants"] = "admin:520204 viewer:520204103" })))
	if err != nil || len(id.Grants) != 2 || id.Grants[0].Role != access.Admin {
		t.Fatalf("grants as a string: %+v %v", id, err)
	}
	// No grants claim: a known person who sees only what the public sees.
	id, err = a.Identify(context.Background(), p.sign(claims("u-3", func(c map[string]any) { delete(c, "gridmap_grants") })))
	if err != nil || len(id.Grants) != 0 || id.May(access.ReadPersonal, "520204") {
		t.Fatalf("no grants: %+v %v", id, err)
	}
	if id, err := a.Identify(context.Background(), ""); err != nil || id != access.Anonymous {
		t.Fatalf("no token: %+v %v", id, err)
	}
}

// Every bad token is refused with the same message.
func TestJWTRefused(t *testing.T) {
	p := newProvider(t)
	a := newAuth(t, p, nil)
	stranger := newProvider(t) // another provider's key, same kid scheme
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, _ := json.Marshal(p.key.Public())
	cases := map[string]string{
		"expired":                             p.sign(claims("u", func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })),
		"wrong audience":                      p.sign(claims("u", func(c map[string]any) { c["aud"] = "another-app" })),
		"wrong issuer":                        p.sign(claims("u", func(c map[string]any) { c["iss"] = "https://evil.example" })),
		"another key":                         stranger.sign(claims("u", nil)),
		"unknown EC key":                      signWith(t, jose.SigningKey{Algorithm: jose.ES256, Key: ec}, "ec-1", claims("u", nil)),
		"HS256 with the public key as secret": signWith(t, jose.SigningKey{Algorithm: jose.HS256, Key: rsaPub}, p.key.KeyID, claims("u", nil)),
		"alg none":                            noneToken(claims("u", nil)),
		"bad grant":                           p.sign(claims("u", func(c map[string]any) { c["gridmap_grants"] = []string{"root:520204"} })),
		"garbage":                             "not.a.token",
		"tampered payload":                    tamper(p.sign(claims("u", nil))),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			id, err := a.Identify(context.Background(), tok)
			if id != nil || geo.KindOf(err) != geo.Unauthenticated {
				t.Fatalf("got %+v, %v", id, err)
			}
			if err.Error() != "the bearer token is not valid" {
				t.Errorf("the refusal tells too much: %q", err.Error())
			}
		})
	}
}

// After the provider rotates its key, tokens signed with the new key are accepted without a
// restart; once the old key is withdrawn, its tokens are not.
func TestJWTKeyRotation(t *testing.T) {
	p := newProvider(t)
	a := newAuth(t, p, nil)
	oldTok := p.sign(claims("u", nil))
	if _, err := a.Identify(context.Background(), oldTok); err != nil {
		t.Fatal(err)
	}
	p.rotate(true)
	if _, err := a.Identify(context.Background(), p.sign(claims("u", nil))); err != nil {
		t.Fatalf("a token signed with the rotated key: %v", err)
	}
	p.rotate(false) // the first key is gone from the JWKS now
	if _, err := a.Identify(context.Background(), p.sign(claims("u", nil))); err != nil {
		t.Fatalf("after a second rotation: %v", err)
	}
	// go-oidc keeps keys it has fetched; a token of a withdrawn key is refused once the key
	// set is fetched again for an unknown kid, which the rotation above forced. go-oidc
	// hands the fetched keys to the waiting verification a moment before it stores them as
	// its cache (oidc/jwks.go, keysFromRemote), so the refusal is waited for, briefly.
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := a.Identify(context.Background(), oldTok)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a token signed with a withdrawn key is still accepted 2 s after the key set was fetched again")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewRefusesSymmetricAndNone(t *testing.T) {
	for _, algs := range [][]string{{"HS256"}, {"none"}, {"RS256", "hs512"}} {
		if _, err := New(context.Background(), &JWTConfig{Issuer: issuer, Audience: audience, JWKSURL: "http://127.0.0.1:1", Algs: algs}, nil); geo.KindOf(err) != geo.Invalid {
			t.Errorf("algorithms %v: %v", algs, err)
		}
	}
	if _, err := New(context.Background(), &JWTConfig{Issuer: issuer}, nil); geo.KindOf(err) != geo.Invalid {
		t.Errorf("no audience: %v", err)
	}
}

// With JWTs off, a JWT is refused; with keys off, a key is refused.
func TestSwitchedOff(t *testing.T) {
	a, err := New(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"gmk_0123456789ab_secret", "eyJhbGciOiJSUzI1NiJ9.e30.sig"} {
		if id, err := a.Identify(context.Background(), tok); id != nil || geo.KindOf(err) != geo.Unauthenticated {
			t.Errorf("%s: %+v %v", tok, id, err)
		}
	}
}

func noneToken(c map[string]any) string {
	b, _ := json.Marshal(c)
	enc := func(s []byte) string { return strings.TrimRight(b64(s), "=") }
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(b) + "."
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	c := claims("admin", func(c map[string]any) { c["gridmap_grants"] = []string{"admin"} })
	b, _ := json.Marshal(c)
	parts[1] = strings.TrimRight(b64(b), "=")
	return strings.Join(parts, ".")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// The cost of verifying a JWT per request (signature, claims, grants), keys fetched once;
// against it, an API key costs one indexed query in PostgreSQL.
func BenchmarkIdentifyJWT(b *testing.B) {
	p := newProvider(b)
	a := newAuth(b, p, nil)
	tok := p.sign(claims("u-1", nil))
	if _, err := a.Identify(context.Background(), tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Identify(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	}
}
