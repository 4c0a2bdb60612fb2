// Package access is gridmap's one access policy: who may do what to which unit. Identities
// carry grants, each a role over a territory (a unit code: a county, a town, a village, a
// grid); a grant covers the territory's unit and everything under it, which the codes show by
// prefix. Handlers ask May; nothing else decides. No I/O.
package access

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Role is what a grant lets its holder do inside its territory.
type Role string

// The roles, each able to do all that the ones before it can.
const (
	Viewer     Role = "viewer"      // dashboards of a territory: personal data included
	GridWorker Role = "grid_worker" // a grid worker's own grids: their households
	Planner    Role = "planner"     // edits change sets and publishes them
	Admin      Role = "admin"       // overrides coverage findings, manages keys, reads the audit
)

// Roles lists the roles from the least to the most able.
var Roles = []Role{Viewer, GridWorker, Planner, Admin}

// ParseRole returns the role named s, or an error naming the known roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q: expected one of viewer, grid_worker, planner, admin", s)
}

// Action is something a caller may be allowed to do to a unit.
type Action string

// The actions the policy knows. Reading the public map and resolving points with people as
// the notice boards show them (网格公示牌) needs no grant and is not an action here.
const (
	ReadPersonal   Action = "read_personal"   // households, the private tiles, unit heads' full phones
	EditChangeSets Action = "edit_changesets" // open, edit, validate and discard change sets
	Publish        Action = "publish"         // publish a change set
	Override       Action = "override"        // publish despite coverage errors, with a reason
	ManageKeys     Action = "manage_keys"     // create, list and revoke API keys
	ReadAudit      Action = "read_audit"      // read the audit log
)

// minRole is the least role that may do an action.
var minRole = map[Action]Role{
	ReadPersonal:   Viewer,
	EditChangeSets: Planner,
	Publish:        Planner,
	Override:       Admin,
	ManageKeys:     Admin,
	ReadAudit:      Admin,
}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Grant is one role over one territory, named by a unit code. The empty territory is every
// unit (a deployment's own administrators).
type Grant struct {
	Role      Role   `json:"role"`
	Territory string `json:"territory"`
}

// String gives the form grants are written in: role:territory (role alone for everywhere).
func (g Grant) String() string {
	if g.Territory == "" {
		return string(g.Role)
	}
	return string(g.Role) + ":" + g.Territory
}

// ParseGrant reads role:territory (or a bare role for every unit). The territory must be a
// unit code: digits only, 6 to 18 of them in steps of three.
func ParseGrant(s string) (Grant, error) {
	role, territory, _ := strings.Cut(strings.TrimSpace(s), ":")
	r, err := ParseRole(role)
	if err != nil {
		return Grant{}, err
	}
	if err := CheckTerritory(territory); err != nil {
		return Grant{}, err
	}
	return Grant{Role: r, Territory: territory}, nil
}

// CheckTerritory reports whether t can name a territory: empty (every unit) or a unit code,
// digits only, 6 to 18 of them in steps of three.
func CheckTerritory(t string) error {
	if t == "" {
		return nil
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return fmt.Errorf("territory %q: a unit code has digits only", t)
		}
	}
	if len(t) < 6 || len(t) > 18 || len(t)%3 != 0 {
		return fmt.Errorf("territory %q: a unit code has 6, 9, 12, 15 or 18 digits", t)
	}
	return nil
}

// Covers reports whether the grant's territory holds the unit (or household) with this code.
// Codes extend their parent's code, and household ids start with their grid's code.
func (g Grant) Covers(code string) bool {
	return strings.HasPrefix(code, g.Territory)
}

// KeyPrefix starts every API key, so a bearer token is told apart from a JWT at a glance.
const KeyPrefix = "gmk_"

// Identity is an authenticated caller: a person from the identity provider or another system
// holding an API key.
type Identity struct {
	Subject string  // the token's subject or the key's id; never personal data
	Via     string  // "jwt" or "key"
	Grants  []Grant // what the caller may do where
}

// Anonymous is the caller with no credentials.
var Anonymous = &Identity{Subject: "anonymous"}

// May reports whether the identity may do action to the unit (or household) with the given
// code. An empty code asks about the identity's whole reach: may it do this anywhere at all
// (for example, list its own change sets). A nil identity is anonymous and may do none.
func (id *Identity) May(a Action, code string) bool {
	if id == nil {
		return false
	}
	need, ok := minRole[a]
	if !ok {
		return false
	}
	for _, g := range id.Grants {
		if g.Role.rank() < need.rank() {
			continue
		}
		if code == "" || g.Covers(code) {
			return true
		}
	}
	return false
}

// Territories returns the territories in which the identity may do action, for narrowing a
// query to them; a single empty string means everywhere, none means nowhere.
func (id *Identity) Territories(a Action) []string {
	if id == nil {
		return nil
	}
	need, ok := minRole[a]
	if !ok {
		return nil
	}
	var out []string
	for _, g := range id.Grants {
		if g.Role.rank() < need.rank() {
			continue
		}
		if g.Territory == "" {
			return []string{""}
		}
		out = append(out, g.Territory)
	}
	return out
}

// MaskPhone hides the middle of a phone number the way Chinese notices do (138****5678), for
// callers who may not see a private citizen's full number.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// Record is one entry of the append-only audit log: who read personal data or published
// what, when and from where. Detail identifies the request (counts, a change set's reason)
// and never holds personal data.
type Record struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Subject string          `json:"subject"`
	Via     string          `json:"via"`
	Action  string          `json:"action"`
	Target  string          `json:"target"`
	Remote  string          `json:"remote"`
	Detail  json.RawMessage `json:"detail,omitempty"`
}
