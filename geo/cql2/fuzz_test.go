package cql2

import (
	"errors"
	"reflect"
	"testing"
)

// Any text either parses to a tree that writes back to text parsing to the same tree, or
// fails with a syntax error positioned inside the text; nothing panics or recurses without
// bound.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"name = 'x'", `("parent_code" = '520204103200') AND ("name" LIKE '%网格')`,
		"a = 1 OR b <> 2 AND NOT (c < 3 OR d >= -4.5e2)", "code NOT IN ('1','2')", "v BETWEEN 1 AND 2",
		"p IS NOT NULL", "'it''s' = name", "((((a=1))))", "CASEI(name) = 'x'", "name = 'x", "1e", "-.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %v is not a syntax error", s, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): error at %d, outside the text", s, se.Pos)
			}
			return
		}
		text := e.String()
		again, err := Parse(text)
		if err != nil {
			t.Fatalf("%q parsed, but its written form %q does not: %v", s, text, err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("%q parsed to %#v, its written form %q to %#v", s, e, text, again)
		}
	})
}
