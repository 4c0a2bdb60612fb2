package main_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// gridmap keys: a created key is printed once and works, is listed without its secret, and
// stops working when revoked.
func TestKeysCommand(t *testing.T) {
	db := pgtest.DB(t)
	bin := gridmap(t)
	env := []string{"DATABASE_URL=" + pgtest.URL()}
	if _, err := pgtest.Pool(t).Exec(context.Background(), `
		INSERT INTO units (code, level, name, parent_code, parent_level, geom) VALUES
		('520204', 'county', '水城区', NULL, NULL, ST_Multi('SRID=4326;POLYGON((104 26, 105 26, 105 27, 104 27, 104 26))'::geometry)),
		('520204103', 'town', '镇', '520204', 'county', ST_Multi('SRID=4326;POLYGON((104 26, 105 26, 105 27, 104 27, 104 26))'::geometry))
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	out, code := run(bin, env, "keys", "create", "-name", "dashboard", "-grant", "viewer:520204", "-grant", "planner:520204103")
	if code != 0 {
		t.Fatalf("keys create: exit %d\n%s", code, out)
	}
	var token string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "gmk_") {
			token = line
		}
	}
	id, err := db.KeyIdentity(context.Background(), token)
	if err != nil {
		t.Fatalf("the printed token (%q) does not work: %v", token, err)
	}
	if !id.May(access.Publish, "520204103001") || id.May(access.Publish, "520204104") {
		t.Errorf("grants %+v", id.Grants)
	}
	keyID := strings.TrimPrefix(id.Subject, "key:")

	out, code = run(bin, env, "keys", "list")
	secret := token[strings.LastIndex(token, "_")+1:]
	if code != 0 || !strings.Contains(out, keyID) || !strings.Contains(out, "viewer:520204 planner:520204103") || strings.Contains(out, secret) {
		t.Errorf("keys list: exit %d\n%s", code, out)
	}

	for _, bad := range [][]string{
		{"keys", "create", "-name", "x", "-grant", "boss:520204"},
		{"keys", "create", "-name", "x", "-grant", "planner:999999"},
		{"keys", "create", "-grant", "viewer"},
		{"keys", "create", "-name", "x"},
		{"keys", "frob"},
	} {
		if out, code := run(bin, env, bad...); code == 0 {
			t.Errorf("%v: exit 0\n%s", bad, out)
		}
	}

	if out, code := run(bin, env, "keys", "revoke", keyID); code != 0 {
		t.Fatalf("keys revoke: exit %d\n%s", code, out)
	}
	if _, err := db.KeyIdentity(context.Background(), token); err == nil {
		t.Error("a revoked key still works")
	}
	if out, code := run(bin, env, "keys", "revoke", keyID); code == 0 {
		t.Errorf("revoking twice: exit 0\n%s", out)
	}
}
