package postgis_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// A key works until it is revoked, and not a request longer; a wrong secret, a malformed
// token and an unknown id fail alike.
func TestAPIKeys(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	if _, err := pgtest.Pool(t).Exec(ctx, `
		INSERT INTO units (code, level, name, parent_code, parent_level, geom) VALUES
		('520204', 'county', '水城区', NULL, NULL, ST_Multi('SRID=4326;POLYGON((104 26, 105 26, 105 27, 104 27, 104 26))'::geometry)),
		('520204103', 'town', '镇', '520204', 'county', ST_Multi('SRID=4326;POLYGON((104 26, 105 26, 105 27, 104 27, 104 26))'::geometry))
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	grants := []access.Grant{{Role: access.Planner, Territory: "520204103"}, {Role: access.Viewer, Territory: "520204"}}
	k, token, err := db.CreateKey(ctx, "town planning office", grants, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, access.KeyPrefix+k.ID+"_") || len(token) < 50 {
		t.Fatalf("token %q for key %q", token, k.ID)
	}
	id, err := db.KeyIdentity(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if id.Via != "key" || !strings.Contains(id.Subject, k.ID) || len(id.Grants) != 2 || id.Grants[0] != grants[0] {
		t.Fatalf("identity %+v", id)
	}
	if !id.May(access.Publish, "520204103200002") || id.May(access.Publish, "520204104") {
		t.Error("the key's grants are not the ones stored")
	}

	for name, bad := range map[string]string{
		"wrong secret": token[:len(token)-2] + "xx",
		"no secret":    access.KeyPrefix + k.ID + "_",
		"unknown id":   access.KeyPrefix + "000000000000_" + token[len(access.KeyPrefix)+13:],
		"not a key":    "eyJhbGciOiJub25lIn0.e30.",
		"odd id":       access.KeyPrefix + "zz'; drop table api_keys; --_abc",
	} {
		t.Run(name, func(t *testing.T) {
			id, err := db.KeyIdentity(ctx, bad)
			if id != nil || geo.KindOf(err) != geo.Unauthenticated {
				t.Fatalf("got %+v, %v", id, err)
			}
			if err.Error() != "unknown or revoked API key" {
				t.Errorf("the refusal says which part was wrong: %v", err)
			}
		})
	}

	if err := db.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if id, err := db.KeyIdentity(ctx, token); id != nil || geo.KindOf(err) != geo.Unauthenticated {
		t.Fatalf("a revoked key still works: %+v %v", id, err)
	}
	if err := db.RevokeKey(ctx, k.ID); geo.KindOf(err) != geo.NotFound {
		t.Errorf("revoking twice: %v", err)
	}
	keys, err := db.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range keys {
		if l.ID == k.ID {
			found = l.RevokedAt != nil && l.Name == "town planning office" && len(l.Grants) == 2
		}
	}
	if !found {
		t.Errorf("the revoked key is not listed as revoked: %+v", keys)
	}
	if _, _, err := db.CreateKey(ctx, "none", nil, "test"); geo.KindOf(err) != geo.Invalid {
		t.Errorf("a key with no grant: %v", err)
	}
	if _, _, err := db.CreateKey(ctx, "typo", []access.Grant{{Role: access.Planner, Territory: "520204999"}}, "test"); geo.KindOf(err) != geo.Invalid || !strings.Contains(err.Error(), "520204999") {
		t.Errorf("a key over a unit that does not exist: %v", err)
	}
}

// The audit log takes entries and lists them by territory, and refuses to be changed.
func TestAuditLogIsAppendOnly(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	for _, target := range []string{"520204103200002-001-02", "520204104200001-002-01"} {
		if err := db.Audit(ctx, access.Record{Subject: "key:abc", Via: "key", Action: "read_household", Target: target, Remote: "192.0.2.1", Detail: json.RawMessage(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.AuditLog(ctx, 0, "520204103", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Target != "520204103200002-001-02" || got[0].Remote != "192.0.2.1" || string(got[0].Detail) != `{"n": 1}` {
		t.Fatalf("audit entries in 520204103: %+v", got)
	}
	all, err := db.AuditLog(ctx, 0, "", "key:abc", 100)
	if err != nil || len(all) != 2 {
		t.Fatalf("all entries of the subject: %v %v", all, err)
	}
	for _, stmt := range []string{`UPDATE audit_log SET subject = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := pgtest.Pool(t).Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", stmt, err)
		}
	}
}
