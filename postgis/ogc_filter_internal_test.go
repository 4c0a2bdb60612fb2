package postgis

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/cql2"
)

// sqlToken is one token of the SQL a filter compiles to: a quoted identifier, a placeholder
// with its cast, a word or an operator.
var sqlToken = regexp.MustCompile(`\s*("(?:[^"]|"")*"|\$[0-9]+(?:::(?:text|double precision|integer)(?:\[\])?)?|[A-Za-z_]+|<>|<=|>=|[()=<>,])`)

// sqlWords are the only words compiled filters use.
var sqlWords = map[string]bool{"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true, "IS": true, "NULL": true, "ANY": true}

// checkCompiled fails unless sql is made only of the collection's queryables (quoted),
// placeholders, the words above and operators: nothing a client wrote is in the text.
func checkCompiled(t *testing.T, c geo.Collection, filter, sql string, args sqlArgs) {
	t.Helper()
	rest := sql
	for rest != "" {
		loc := sqlToken.FindStringSubmatchIndex(rest)
		if loc == nil || loc[0] != 0 {
			t.Fatalf("%q compiled to %q: unexpected text at %q", filter, sql, rest)
		}
		tok := rest[loc[2]:loc[3]]
		rest = rest[loc[1]:]
		switch {
		case strings.HasPrefix(tok, `"`):
			if _, ok := c.Queryable(strings.ReplaceAll(strings.Trim(tok, `"`), `""`, `"`)); !ok {
				t.Fatalf("%q compiled to %q: the column %s is not queryable", filter, sql, tok)
			}
		case strings.HasPrefix(tok, "$"):
		case tok[0] >= 'A' && tok[0] <= 'z' && !sqlWords[tok]:
			t.Fatalf("%q compiled to %q: the word %q", filter, sql, tok)
		}
	}
	if strings.Count(sql, "$") != len(args) {
		t.Fatalf("%q compiled to %q with %d arguments", filter, sql, len(args))
	}
}

func TestFilterCompiles(t *testing.T) {
	grid := gridCollection(t)
	cases := []struct{ filter, sql string }{
		{"name = 'x'", `"name" = $1::text`},
		{"version >= 2 AND code LIKE '52%'", `(("version" >= $1::double precision) AND ("code" LIKE $2::text))`},
		{"a = 1", ""},
		{"NOT (parent_code IS NULL OR code IN ('1', '2'))", `NOT ((("parent_code" IS NULL) OR ("code" = ANY($1::text[]))))`},
		{"version NOT BETWEEN 1 AND 3", `"version" NOT BETWEEN $1::double precision AND $2::double precision`},
		{"code = parent_code", `"code" = "parent_code"`},
		{"'1' = '1'", ""},
		{"version = 'x'", ""},
		{"name LIKE version", ""},
		{"code IN (1, '2')", ""},
		{"a = 1 OR b = 2 OR name = 'c'", ""},
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			e, err := cql2.Parse(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var args sqlArgs
			sql, err := filterCondition(grid, e, &args)
			if tc.sql == "" {
				if geo.KindOf(err) != geo.Invalid {
					t.Fatalf("compiled to %q, %v; want an Invalid error", sql, err)
				}
				return
			}
			if err != nil || sql != tc.sql {
				t.Fatalf("compiled to %q, %v; want %q", sql, err, tc.sql)
			}
			checkCompiled(t, grid, tc.filter, sql, args)
		})
	}
}

// Whatever a client writes, a filter compiles to SQL of queryables, placeholders, keywords
// and operators, or to an Invalid error about the filter.
func FuzzFilterSQL(f *testing.F) {
	for _, s := range []string{"name = 'x''; DROP TABLE units; --'", `"name"" OR 1=1 --" = 'x'`, "version > 1 AND code IN ('1')",
		"NOT (a = 1 OR code BETWEEN '1' AND '2')", "parent_code IS NOT NULL", "code LIKE '%'"} {
		f.Add(s)
	}
	grid := gridCollection(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.Parse(s)
		if err != nil {
			return
		}
		var args sqlArgs
		sql, err := filterCondition(grid, e, &args)
		if err != nil {
			if ge, ok := err.(*geo.Error); !ok || ge.Kind != geo.Invalid || ge.Field != "filter" {
				t.Fatalf("%q: %v is not an Invalid error about the filter", s, err)
			}
			return
		}
		checkCompiled(t, grid, s, sql, args)
	})
}

func gridCollection(t testing.TB) geo.Collection {
	for _, c := range geo.Collections {
		if c.Level == geo.Grid {
			return c
		}
	}
	t.Fatal("no grid collection")
	return geo.Collection{}
}
