package access

import (
	"fmt"
	"testing"
)

// The policy as a matrix: every role, over a town, asked every action inside the town,
// inside one of its grids, in a neighbouring town, and about its reach at all.
func TestMayMatrix(t *testing.T) {
	const (
		town      = "520204103"
		grid      = "520204103200002"
		household = "520204103200002-001-02"
		elsewhere = "520204104200001"
	)
	// want[role][action] = allowed inside the territory
	want := map[Role]map[Action]bool{
		Viewer:     {ReadPersonal: true},
		GridWorker: {ReadPersonal: true},
		Planner:    {ReadPersonal: true, EditChangeSets: true, Publish: true},
		Admin:      {ReadPersonal: true, EditChangeSets: true, Publish: true, Override: true, ManageKeys: true, ReadAudit: true},
	}
	actions := []Action{ReadPersonal, EditChangeSets, Publish, Override, ManageKeys, ReadAudit}
	for _, role := range Roles {
		id := &Identity{Subject: "t", Grants: []Grant{{Role: role, Territory: town}}}
		for _, a := range actions {
			for _, code := range []string{town, grid, household, ""} {
				t.Run(fmt.Sprintf("%s/%s/%q", role, a, code), func(t *testing.T) {
					if got := id.May(a, code); got != want[role][a] {
						t.Errorf("May(%s, %q) = %v, want %v", a, code, got, want[role][a])
					}
				})
			}
			t.Run(fmt.Sprintf("%s/%s/elsewhere", role, a), func(t *testing.T) {
				if id.May(a, elsewhere) {
					t.Errorf("a %s of %s may %s in %s", role, town, a, elsewhere)
				}
			})
		}
	}
}

func TestAnonymousAndUnknown(t *testing.T) {
	var nobody *Identity
	for _, id := range []*Identity{nobody, Anonymous, {Subject: "x", Grants: []Grant{{Role: "superuser"}}}} {
		for _, a := range []Action{ReadPersonal, Publish, ManageKeys, "fly"} {
			if id.May(a, "520204") || id.May(a, "") {
				t.Errorf("%+v may %s", id, a)
			}
		}
	}
	admin := &Identity{Grants: []Grant{{Role: Admin}}}
	if admin.May("fly", "520204") {
		t.Error("an unknown action is allowed")
	}
	if !admin.May(Override, "110101") {
		t.Error("an administrator of every unit may not override in Beijing")
	}
}

// A grid worker holds one grant per grid and sees only those grids' households.
func TestGridWorkerSeesOwnGrids(t *testing.T) {
	w := &Identity{Grants: []Grant{{GridWorker, "520204103200002"}, {GridWorker, "520204103200003"}}}
	cases := map[string]bool{
		"520204103200002-001-02": true,
		"520204103200003-004-01": true,
		"520204103200004-001-01": false,
		"520204103":              false, // the town: not all of it
		"52020410320000":         false, // a shorter, malformed code
	}
	for code, ok := range cases {
		if got := w.May(ReadPersonal, code); got != ok {
			t.Errorf("May(read_personal, %s) = %v, want %v", code, got, ok)
		}
	}
	if got := w.Territories(ReadPersonal); len(got) != 2 {
		t.Errorf("territories %v", got)
	}
	if got := w.Territories(Publish); got != nil {
		t.Errorf("a grid worker may publish in %v", got)
	}
	if got := (&Identity{Grants: []Grant{{Admin, ""}, {Viewer, "520204"}}}).Territories(ReadPersonal); len(got) != 1 || got[0] != "" {
		t.Errorf("an administrator of every unit: %v", got)
	}
}

func TestParseGrant(t *testing.T) {
	cases := []struct {
		in   string
		want Grant
		err  bool
	}{
		{"planner:520204103", Grant{Planner, "520204103"}, false},
		{"admin", Grant{Admin, ""}, false},
		{" viewer:520204 ", Grant{Viewer, "520204"}, false},
		{"planner:52020410", Grant{}, true},  // 8 digits
		{"planner:5202041x3", Grant{}, true}, // not digits
		{"root:520204", Grant{}, true},
		{"", Grant{}, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			g, err := ParseGrant(c.in)
			if (err != nil) != c.err || g != c.want {
				t.Fatalf("ParseGrant(%q) = %+v, %v", c.in, g, err)
			}
			if err == nil {
				if back, _ := ParseGrant(g.String()); back != g {
					t.Errorf("round trip %q gives %+v", g.String(), back)
				}
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	cases := map[string]string{
		"13812345678":  "138****5678",
		"0858-8123456": "085*****3456",
		"12345":        "*****",
		"":             "",
	}
	for in, want := range cases {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
