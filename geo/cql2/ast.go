// Package cql2 reads the part of OGC CQL2 text (OGC 21-065) that desktop clients such as
// QGIS send as an OGC API - Features filter: comparisons of properties with literals
// (=, <>, <, <=, >, >=), LIKE, IN, BETWEEN, IS NULL, joined by AND, OR, NOT and parentheses.
// It yields a small syntax tree; turning the tree into a query (with a whitelist of
// properties and bound values) is the storage's job. No I/O.
package cql2

import (
	"strconv"
	"strings"
)

// Expr is a boolean expression: And, Or, Not, Compare, Like, In, Between or IsNull.
type Expr interface {
	// String writes the expression back as CQL2 text that parses to the same tree.
	String() string
	isExpr()
}

// Operand is a side of a predicate: a Property or a Literal.
type Operand interface {
	String() string
	isOperand()
}

// And holds when both sides hold.
type And struct{ L, R Expr }

// Or holds when either side holds.
type Or struct{ L, R Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Compare is a binary comparison; Op is one of =, <>, <, <=, >, >=.
type Compare struct {
	Op   string
	L, R Operand
}

// Like matches X against a pattern with % (any run) and _ (one character); \ escapes.
type Like struct {
	X, Pattern Operand
	Not        bool
}

// In holds when X equals one of List.
type In struct {
	X    Operand
	List []Literal
	Not  bool
}

// Between holds when Lo <= X <= Hi.
type Between struct {
	X, Lo, Hi Operand
	Not       bool
}

// IsNull holds when X has no value.
type IsNull struct {
	X   Operand
	Not bool
}

// Property names a property of the features (a queryable).
type Property struct{ Name string }

// Literal is a value: a string, a float64 or a bool.
type Literal struct{ Value any }

func (And) isExpr()     {}
func (Or) isExpr()      {}
func (Not) isExpr()     {}
func (Compare) isExpr() {}
func (Like) isExpr()    {}
func (In) isExpr()      {}
func (Between) isExpr() {}
func (IsNull) isExpr()  {}

func (Property) isOperand() {}
func (Literal) isOperand()  {}

// Expressions are written with the parentheses the tree needs and no more (AND binds
// tighter than OR, both group from the left), so the text nests no deeper than the text it
// was read from.
func (e And) String() string { return group(e.L, isOr) + " AND " + group(e.R, isAndOr) }
func (e Or) String() string  { return e.L.String() + " OR " + group(e.R, isOr) }
func (e Not) String() string { return "NOT " + group(e.X, isAndOr) }
func (e Compare) String() string {
	return e.L.String() + " " + e.Op + " " + e.R.String()
}
func (e Like) String() string {
	return e.X.String() + not(e.Not) + " LIKE " + e.Pattern.String()
}
func (e In) String() string {
	items := make([]string, len(e.List))
	for i, l := range e.List {
		items[i] = l.String()
	}
	return e.X.String() + not(e.Not) + " IN (" + strings.Join(items, ", ") + ")"
}
func (e Between) String() string {
	return e.X.String() + not(e.Not) + " BETWEEN " + e.Lo.String() + " AND " + e.Hi.String()
}
func (e IsNull) String() string {
	if e.Not {
		return e.X.String() + " IS NOT NULL"
	}
	return e.X.String() + " IS NULL"
}

func isOr(e Expr) bool { _, ok := e.(Or); return ok }

func isAndOr(e Expr) bool {
	_, and := e.(And)
	return and || isOr(e)
}

// group writes e, in parentheses when needs says it must be.
func group(e Expr, needs func(Expr) bool) string {
	if needs(e) {
		return "(" + e.String() + ")"
	}
	return e.String()
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

// String quotes the name as CQL2 does ("name"), so that any name reads back.
func (p Property) String() string { return `"` + strings.ReplaceAll(p.Name, `"`, `""`) + `"` }

func (l Literal) String() string {
	switch v := l.Value.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	}
	return "NULL"
}

// Properties returns the names of the properties e refers to, each once, in the order they
// first appear.
func Properties(e Expr) []string {
	var names []string
	seen := map[string]bool{}
	add := func(ops ...Operand) {
		for _, o := range ops {
			if p, ok := o.(Property); ok && !seen[p.Name] {
				seen[p.Name] = true
				names = append(names, p.Name)
			}
		}
	}
	var walk func(Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case And:
			walk(e.L)
			walk(e.R)
		case Or:
			walk(e.L)
			walk(e.R)
		case Not:
			walk(e.X)
		case Compare:
			add(e.L, e.R)
		case Like:
			add(e.X, e.Pattern)
		case In:
			add(e.X)
		case Between:
			add(e.X, e.Lo, e.Hi)
		case IsNull:
			add(e.X)
		}
	}
	walk(e)
	return names
}
