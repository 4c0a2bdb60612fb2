package cql2

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	name, code, pc := Property{"name"}, Property{"code"}, Property{"parent_code"}
	str := func(s string) Literal { return Literal{Value: s} }
	cases := []struct {
		name string
		in   string
		want Expr
	}{
		{"equals", "name = 'x'", Compare{"=", name, str("x")}},
		{"quoted property", `"name"='x'`, Compare{"=", name, str("x")}},
		{"doubled quotes", `"a""b" <> 'it''s'`, Compare{"<>", Property{`a"b`}, str("it's")}},
		{"every operator", "version <= 3", Compare{"<=", Property{"version"}, Literal{3.0}}},
		{"greater", "version>-1.5e1", Compare{">", Property{"version"}, Literal{-15.0}}},
		{"literal first", "'x' = name", Compare{"=", str("x"), name}},
		{"chinese", "name = '坪地村第2网格'", Compare{"=", name, str("坪地村第2网格")}},
		{"like", "name LIKE '坪地%'", Like{X: name, Pattern: str("坪地%")}},
		{"not like", "name not like '%x_'", Like{X: name, Pattern: str("%x_"), Not: true}},
		{"in", "code IN ('1', '2')", In{X: code, List: []Literal{str("1"), str("2")}}},
		{"not in", "version NOT IN (1,2)", In{X: Property{"version"}, List: []Literal{{1.0}, {2.0}}, Not: true}},
		{"between", "version BETWEEN 1 AND 3", Between{X: Property{"version"}, Lo: Literal{1.0}, Hi: Literal{3.0}}},
		{"is null", "parent_code IS NULL", IsNull{X: pc}},
		{"is not null", "parent_code is not null", IsNull{X: pc, Not: true}},
		{"booleans", "flag = true", Compare{"=", Property{"flag"}, Literal{true}}},
		{"and binds tighter than or", "a = 1 OR b = 2 AND c = 3",
			Or{Compare{"=", Property{"a"}, Literal{1.0}}, And{Compare{"=", Property{"b"}, Literal{2.0}}, Compare{"=", Property{"c"}, Literal{3.0}}}}},
		{"parentheses", "(a = 1 OR b = 2) AND NOT c = 3",
			And{Or{Compare{"=", Property{"a"}, Literal{1.0}}, Compare{"=", Property{"b"}, Literal{2.0}}}, Not{Compare{"=", Property{"c"}, Literal{3.0}}}}},
		{"left to right", "a = 1 AND b = 2 AND c = 3",
			And{And{Compare{"=", Property{"a"}, Literal{1.0}}, Compare{"=", Property{"b"}, Literal{2.0}}}, Compare{"=", Property{"c"}, Literal{3.0}}}},
		// QGIS writes its expressions with quoted names and spaces around everything.
		{"as QGIS sends it", `("parent_code" = '520204103200') AND ("name" LIKE '%网格')`,
			And{Compare{"=", pc, str("520204103200")}, Like{X: name, Pattern: str("%网格")}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse(%q) = %#v, want %#v", tc.in, got, tc.want)
			}
			again, err := Parse(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%q does not read back: %#v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, in, msg string
		pos           int
	}{
		{"empty", "", "expected a property or a value", 0},
		{"unclosed string", "name = 'x", "never closed", 7},
		{"unclosed paren", "(name = 'x'", `expected ")"`, 11},
		{"trailing", "name = 'x' 'y'", "after a complete filter", 11},
		{"no operator", "name 'x'", "expected a comparison", 5},
		{"keyword as property", "AND = 1", "found the keyword AND", 0},
		{"function", "CASEI(name) = 'x'", "function CASEI is not supported", 0},
		{"bad number", "version = 1.2.3", "not a number", 10},
		{"hex", "version = 0x10", "not a number", 10},
		{"bang", "name != 'x'", "unexpected '!'", 5},
		{"in with a property", "code IN (name)", "IN lists values", 9},
		{"between without and", "v BETWEEN 1 OR 2", "expected AND in BETWEEN", 12},
		{"is without null", "v IS 3", "expected NULL after IS", 5},
		{"empty name", `"" = 1`, "empty property name", 0},
		{"too deep", strings.Repeat("(", MaxDepth+1) + "a = 1" + strings.Repeat(")", MaxDepth+1), "deeper than", MaxDepth},
		{"not utf-8", "name = '\xff'", "not valid UTF-8", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, want a syntax error", tc.in, err)
			}
			if !strings.Contains(e.Message, tc.msg) || e.Pos != tc.pos {
				t.Fatalf("Parse(%q): %q at %d, want %q at %d", tc.in, e.Message, e.Pos, tc.msg, tc.pos)
			}
		})
	}
}

func TestProperties(t *testing.T) {
	e, err := Parse(`name = 'a' OR (code IN ('1') AND NOT "name" LIKE 'x' AND v BETWEEN w AND 3 AND p IS NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Properties(e), []string{"name", "code", "v", "w", "p"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Properties = %v, want %v", got, want)
	}
}
