package access

import "testing"

// A grant read from a token or a key's row is one the policy knows, and reads back the same.
func FuzzParseGrant(f *testing.F) {
	for _, s := range []string{"planner:520204103", "admin", "viewer:", ":520204", "grid_worker:520204103200002", "admin:52020410320000212345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGrant(s)
		if err != nil {
			return
		}
		if g.Role.rank() < 0 || CheckTerritory(g.Territory) != nil {
			t.Fatalf("%q read as %+v", s, g)
		}
		if back, err := ParseGrant(g.String()); err != nil || back != g {
			t.Fatalf("%q: %+v does not read back (%+v, %v)", s, g, back, err)
		}
	})
}
