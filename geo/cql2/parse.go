package cql2

import (
	"strings"
)

// MaxDepth bounds how deeply parentheses and NOTs may nest, so no filter can exhaust the
// stack.
const MaxDepth = 64

// Parse reads a CQL2 text filter. Keywords are case-insensitive; property names are bare
// words or "double-quoted"; strings are 'single-quoted' with ” for a quote. A syntax error
// is an *Error that says where and what.
//
//	expr      = term { OR term }
//	term      = factor { AND factor }
//	factor    = NOT factor | '(' expr ')' | predicate
//	predicate = operand ( compOp operand | [NOT] LIKE operand | [NOT] IN '(' literal {',' literal} ')'
//	            | [NOT] BETWEEN operand AND operand | IS [NOT] NULL )
//	operand   = property | literal
func Parse(s string) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, "unexpected %s after a complete filter", describe(t))
	}
	return e, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the bare word kw, and consumes it if so.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) symbol(sym string) bool {
	if t := p.peek(); t.kind == tSymbol && t.text == sym {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(sym string) error {
	if !p.symbol(sym) {
		t := p.peek()
		return errAt(t.pos, "expected %q, found %s", sym, describe(t))
	}
	return nil
}

func (p *parser) expr(depth int) (Expr, error) {
	l, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("OR") {
		r, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		l = Or{L: l, R: r}
	}
	return l, nil
}

func (p *parser) term(depth int) (Expr, error) {
	l, err := p.factor(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword("AND") {
		r, err := p.factor(depth)
		if err != nil {
			return nil, err
		}
		l = And{L: l, R: r}
	}
	return l, nil
}

func (p *parser) factor(depth int) (Expr, error) {
	if depth >= MaxDepth {
		return nil, errAt(p.peek().pos, "the filter nests deeper than %d levels", MaxDepth)
	}
	if p.keyword("NOT") {
		x, err := p.factor(depth + 1)
		if err != nil {
			return nil, err
		}
		return Not{X: x}, nil
	}
	if p.symbol("(") {
		e, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return e, nil
	}
	return p.predicate()
}

var compOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) predicate() (Expr, error) {
	x, err := p.operand()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tSymbol && compOps[t.text] {
		p.next()
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return Compare{Op: t.text, L: x, R: r}, nil
	}
	if p.keyword("IS") {
		neg := p.keyword("NOT")
		if !p.keyword("NULL") {
			t := p.peek()
			return nil, errAt(t.pos, "expected NULL after IS, found %s", describe(t))
		}
		return IsNull{X: x, Not: neg}, nil
	}
	neg := p.keyword("NOT")
	switch {
	case p.keyword("LIKE"):
		pat, err := p.operand()
		if err != nil {
			return nil, err
		}
		return Like{X: x, Pattern: pat, Not: neg}, nil
	case p.keyword("IN"):
		list, err := p.list()
		if err != nil {
			return nil, err
		}
		return In{X: x, List: list, Not: neg}, nil
	case p.keyword("BETWEEN"):
		lo, err := p.operand()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			t := p.peek()
			return nil, errAt(t.pos, "expected AND in BETWEEN, found %s", describe(t))
		}
		hi, err := p.operand()
		if err != nil {
			return nil, err
		}
		return Between{X: x, Lo: lo, Hi: hi, Not: neg}, nil
	}
	t := p.peek()
	return nil, errAt(t.pos, "expected a comparison (=, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL) after %s, found %s", x, describe(t))
}

func (p *parser) list() ([]Literal, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var list []Literal
	for {
		t := p.peek()
		o, err := p.operand()
		if err != nil {
			return nil, err
		}
		l, ok := o.(Literal)
		if !ok {
			return nil, errAt(t.pos, "IN lists values, found the property %s", o)
		}
		list = append(list, l)
		if p.symbol(")") {
			return list, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// reserved are the words that cannot name a property unquoted.
var reserved = map[string]bool{"AND": true, "OR": true, "NOT": true, "LIKE": true, "IN": true,
	"BETWEEN": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true}

func (p *parser) operand() (Operand, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{Value: t.text}, nil
	case tNumber:
		return Literal{Value: t.num}, nil
	case tQuoted:
		return Property{Name: t.text}, nil
	case tIdent:
		up := strings.ToUpper(t.text)
		switch {
		case up == "TRUE" || up == "FALSE":
			return Literal{Value: up == "TRUE"}, nil
		case reserved[up]:
			return nil, errAt(t.pos, "expected a property or a value, found the keyword %s", up)
		case p.peek().kind == tSymbol && p.peek().text == "(":
			return nil, errAt(t.pos, "the function %s is not supported: only comparisons of properties with values are", t.text)
		}
		return Property{Name: t.text}, nil
	}
	return nil, errAt(t.pos, "expected a property or a value, found %s", describe(t))
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return "a string"
	case tQuoted:
		return "the property " + Property{Name: t.text}.String()
	}
	return "“" + t.text + "”"
}
