package postgis

import (
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5/pgconn"
)

// A violated constraint is a 400 that names it and keeps a detail saying what clashed, but
// not PostgreSQL's dump of the failing row (a boundary in hex, every column).
func TestConstraintErrorLeavesOutTheFailingRow(t *testing.T) {
	for _, c := range []struct {
		detail, want, not string
	}{
		{"Failing row contains (520204, grid, 0106000020E6...).", `violates check constraint "units_code_digits"`, "Failing row"},
		{"Key (code)=(520204001) already exists.", "Key (code)=(520204001) already exists.", ""},
	} {
		err := constraintError(&pgconn.PgError{Code: "23514", Message: `new row for relation "units" violates check constraint "units_code_digits"`, Detail: c.detail})
		ge, ok := err.(*geo.Error)
		if !ok || ge.Kind != geo.Invalid {
			t.Fatalf("%v (%T), want an Invalid *geo.Error", err, err)
		}
		if !strings.Contains(ge.Message, c.want) || (c.not != "" && strings.Contains(ge.Message, c.not)) {
			t.Errorf("message %q: want %q, not %q", ge.Message, c.want, c.not)
		}
	}
}
