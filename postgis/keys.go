package postgis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/jackc/pgx/v5"
)

// APIKey describes a stored key; the secret itself is never stored or shown again.
type APIKey struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Grants    []access.Grant `json:"grants"`
	CreatedBy string         `json:"created_by"`
	CreatedAt time.Time      `json:"created_at"`
	RevokedAt *time.Time     `json:"revoked_at,omitempty"`
}

const insertKeySQL = `
INSERT INTO api_keys (id, secret_hash, name, grants, created_by) VALUES ($1, $2, $3, $4, $5)
RETURNING created_at`

// CreateKey stores a new API key with the given grants and returns it with the token, which
// is shown this once: gmk_<id>_<secret>. It returns an Invalid error when no grant is given.
func (db *DB) CreateKey(ctx context.Context, name string, grants []access.Grant, createdBy string) (APIKey, string, error) {
	if len(grants) == 0 {
		return APIKey{}, "", geo.FieldError("grants", "a key needs at least one grant (role:territory)")
	}
	if err := db.checkTerritories(ctx, grants); err != nil {
		return APIKey{}, "", err
	}
	idBytes := make([]byte, 6)
	secret := make([]byte, 32)
	if _, err := rand.Read(idBytes); err != nil {
		return APIKey{}, "", err
	}
	if _, err := rand.Read(secret); err != nil {
		return APIKey{}, "", err
	}
	k := APIKey{ID: hex.EncodeToString(idBytes), Name: name, Grants: grants, CreatedBy: createdBy}
	secretText := base64.RawURLEncoding.EncodeToString(secret)
	hash := sha256.Sum256([]byte(secretText))
	if err := db.pool.QueryRow(ctx, insertKeySQL, k.ID, hash[:], name, grantStrings(grants), createdBy).Scan(&k.CreatedAt); err != nil {
		return APIKey{}, "", unavailable(err)
	}
	return k, access.KeyPrefix + k.ID + "_" + secretText, nil
}

const listKeysSQL = `
SELECT id, name, grants, created_by, created_at, revoked_at FROM api_keys ORDER BY created_at, id`

// ListKeys returns every key, revoked ones included, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := db.pool.Query(ctx, listKeysSQL)
	if err != nil {
		return nil, unavailable(err)
	}
	var out []APIKey
	for rows.Next() {
		var k APIKey
		var grants []string
		if err := rows.Scan(&k.ID, &k.Name, &grants, &k.CreatedBy, &k.CreatedAt, &k.RevokedAt); err != nil {
			rows.Close()
			return nil, err
		}
		if k.Grants, err = parseGrants(grants); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeKey revokes the key with this id; it takes effect on the next request. It returns a
// NotFound error for an unknown or already revoked key.
func (db *DB) RevokeKey(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return unavailable(err)
	}
	if tag.RowsAffected() == 0 {
		return geo.Errorf(geo.NotFound, "no active API key %q", id)
	}
	return nil
}

const keyByIDSQL = `SELECT secret_hash, grants FROM api_keys WHERE id = $1 AND revoked_at IS NULL`

// KeyIdentity returns the identity of an API key token. Every failure (malformed, unknown,
// revoked, wrong secret) is the same Unauthenticated error, so a caller learns nothing about
// which part was wrong. A key verified once is remembered (by its id and the hash of its
// secret, never the secret), and each later call still asks the database whether it is
// valid, in a query grouped with the concurrent calls' (see group) that starts after the
// call arrived: a revoked key stops at once.
func (db *DB) KeyIdentity(ctx context.Context, token string) (*access.Identity, error) {
	id, confirm, err := db.KeyIdentityDeferred(ctx, token)
	if err == nil && confirm != nil {
		err = confirm()
	}
	if err != nil {
		return nil, err
	}
	return id, nil
}

// KeyIdentityDeferred is KeyIdentity for a caller that can hold its answer back: for a
// remembered key it returns the identity at once with confirm, which waits for the check
// that the key is still valid (already on its way to the database) and returns its
// refusal. The caller must not let anything out before confirm returns nil. For a key seen
// the first time it reads the key and returns confirm nil.
func (db *DB) KeyIdentityDeferred(ctx context.Context, token string) (*access.Identity, func() error, error) {
	refused := errKeyRevoked // one error for every refusal, made once
	rest, ok := strings.CutPrefix(token, access.KeyPrefix)
	if !ok {
		return nil, nil, refused
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 12 || secret == "" {
		return nil, nil, refused
	}
	if _, err := hex.DecodeString(id); err != nil {
		return nil, nil, refused
	}
	ks := keySecret{id: id, hash: sha256.Sum256([]byte(secret))}
	groups := db.access()
	if known := groups.cached(ks); known != nil {
		check := groups.statements.start(accessItem{keyID: id})
		return known, func() error {
			err := check.wait(ctx)
			if geo.KindOf(err) == geo.Unauthenticated {
				groups.forget(ks)
				return refused
			}
			return err
		}, nil
	}
	var want []byte
	var grants []string
	err := db.pool.QueryRow(ctx, keyByIDSQL, id).Scan(&want, &grants)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, refused
	}
	if err != nil {
		return nil, nil, unavailable(err)
	}
	if subtle.ConstantTimeCompare(ks.hash[:], want) != 1 {
		return nil, nil, refused
	}
	gs, err := parseGrants(grants)
	if err != nil {
		return nil, nil, err
	}
	known := &access.Identity{Subject: "key:" + id, Via: "key", Grants: gs}
	groups.remember(ks, known)
	return known, nil, nil
}

func grantStrings(gs []access.Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	return out
}

func parseGrants(ss []string) ([]access.Grant, error) {
	out := make([]access.Grant, 0, len(ss))
	for _, s := range ss {
		g, err := access.ParseGrant(s)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// checkTerritories refuses grants over units the database does not hold: a typo would
// otherwise make a key that can do nothing, or later, something unintended.
func (db *DB) checkTerritories(ctx context.Context, grants []access.Grant) error {
	var codes []string
	for _, g := range grants {
		if g.Territory != "" {
			codes = append(codes, g.Territory)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	var known []string
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(array_agg(code), '{}') FROM units WHERE code = ANY($1)`, codes).Scan(&known); err != nil {
		return unavailable(err)
	}
	for _, c := range codes {
		if !slices.Contains(known, c) {
			return geo.FieldError("grant", "no unit has the code %s", c)
		}
	}
	return nil
}
