package postgis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/cql2"
	"github.com/jackc/pgx/v5"
)

// The WHERE clause of an OGC items query is assembled here from fixed fragments: column
// names only from the collection's queryables (and quoted as identifiers), every value a
// bound parameter. Nothing a client wrote is ever part of the SQL text.

// sqlArgs collects the bound values of a query and names their placeholders.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// column returns the queryable called name as a quoted SQL identifier, with its type; an
// Invalid error about field when the collection has no such queryable.
func column(c geo.Collection, field, name string) (string, string, error) {
	q, ok := c.Queryable(name)
	if !ok {
		return "", "", geo.FieldError(field, "%q is not a queryable property of %s: %s", name, c.ID, queryableNames(c))
	}
	return pgx.Identifier{q.Name}.Sanitize(), q.Type, nil
}

func queryableNames(c geo.Collection) string {
	names := make([]string, len(c.Queryables))
	for i, q := range c.Queryables {
		names[i] = q.Name
	}
	return "expected one of " + strings.Join(names, ", ")
}

// equalCondition is `name = value` for a property filter given as a query parameter; the
// value is read as the queryable's type.
func equalCondition(c geo.Collection, name, value string, args *sqlArgs) (string, error) {
	col, typ, err := column(c, name, name)
	if err != nil {
		return "", err
	}
	if typ == "integer" {
		n, err := strconv.ParseInt(value, 10, 32)
		if err != nil {
			return "", geo.FieldError(name, "%q is not an integer", value)
		}
		return col + " = " + args.add(n) + "::integer", nil
	}
	return col + " = " + args.add(value) + "::text", nil
}

// filterCondition compiles a CQL2 expression over the collection's queryables to SQL.
// Errors are Invalid and about the field "filter".
func filterCondition(c geo.Collection, e cql2.Expr, args *sqlArgs) (string, error) {
	switch e := e.(type) {
	case cql2.And:
		return chain(c, "AND", e, args)
	case cql2.Or:
		return chain(c, "OR", e, args)
	case cql2.Not:
		x, err := filterCondition(c, e.X, args)
		return "NOT (" + x + ")", err
	case cql2.Compare:
		l, r, err := operands(c, e.L, e.R, args)
		if err != nil {
			return "", err
		}
		return l + " " + e.Op + " " + r, nil
	case cql2.Like:
		x, typ, err := property(c, e.X, "LIKE")
		if err != nil {
			return "", err
		}
		pat, ok := e.Pattern.(cql2.Literal)
		s, isString := pat.Value.(string)
		if typ != "string" || !ok || !isString {
			return "", geo.FieldError("filter", "%s: LIKE matches a text property against a text pattern", e)
		}
		return x + not(e.Not) + " LIKE " + args.add(s) + "::text", nil
	case cql2.In:
		x, typ, err := property(c, e.X, "IN")
		if err != nil {
			return "", err
		}
		list, err := literalList(typ, e, args)
		if err != nil {
			return "", err
		}
		if e.Not {
			return "NOT (" + x + " = ANY(" + list + "))", nil
		}
		return x + " = ANY(" + list + ")", nil
	case cql2.Between:
		x, lo, err := operands(c, e.X, e.Lo, args)
		if err != nil {
			return "", err
		}
		_, hi, err := operands(c, e.X, e.Hi, args)
		if err != nil {
			return "", err
		}
		return x + not(e.Not) + " BETWEEN " + lo + " AND " + hi, nil
	case cql2.IsNull:
		x, _, err := property(c, e.X, "IS NULL")
		if err != nil {
			return "", err
		}
		if e.Not {
			return x + " IS NOT NULL", nil
		}
		return x + " IS NULL", nil
	}
	return "", geo.FieldError("filter", "unsupported expression %s", e)
}

// chain writes a run of the same operator flat, (a AND b AND c), rather than nested, so a
// long filter does not nest the SQL deeply.
func chain(c geo.Collection, op string, e cql2.Expr, args *sqlArgs) (string, error) {
	var parts []string
	var walk func(cql2.Expr) error
	walk = func(x cql2.Expr) error {
		var l, r cql2.Expr
		switch x := x.(type) {
		case cql2.And:
			if op != "AND" {
				break
			}
			l, r = x.L, x.R
		case cql2.Or:
			if op != "OR" {
				break
			}
			l, r = x.L, x.R
		}
		if l == nil {
			s, err := filterCondition(c, x, args)
			parts = append(parts, "("+s+")")
			return err
		}
		if err := walk(l); err != nil {
			return err
		}
		return walk(r)
	}
	if err := walk(e); err != nil {
		return "", err
	}
	return "(" + strings.Join(parts, " "+op+" ") + ")", nil
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

// property requires o to be a queryable property and returns its column and type.
func property(c geo.Collection, o cql2.Operand, op string) (string, string, error) {
	p, ok := o.(cql2.Property)
	if !ok {
		return "", "", geo.FieldError("filter", "%s takes a property on its left, found %s", op, o)
	}
	return column(c, "filter", p.Name)
}

// operands compiles the two sides of a comparison: at least one a property, the other a
// property or a value of the same type.
func operands(c geo.Collection, l, r cql2.Operand, args *sqlArgs) (string, string, error) {
	var typ string
	for _, o := range []cql2.Operand{l, r} {
		if p, ok := o.(cql2.Property); ok {
			_, t, err := column(c, "filter", p.Name)
			if err != nil {
				return "", "", err
			}
			if typ != "" && typ != t {
				return "", "", geo.FieldError("filter", "%s is a %s and %s a %s: they cannot be compared", l, typ, r, t)
			}
			typ = t
		}
	}
	if typ == "" {
		return "", "", geo.FieldError("filter", "%s and %s are both values: compare a property with a value", l, r)
	}
	ls, err := operand(c, l, typ, args)
	if err != nil {
		return "", "", err
	}
	rs, err := operand(c, r, typ, args)
	return ls, rs, err
}

func operand(c geo.Collection, o cql2.Operand, typ string, args *sqlArgs) (string, error) {
	if p, ok := o.(cql2.Property); ok {
		col, _, err := column(c, "filter", p.Name)
		return col, err
	}
	v := o.(cql2.Literal).Value
	switch v := v.(type) {
	case string:
		if typ == "string" {
			return args.add(v) + "::text", nil
		}
	case float64:
		if typ == "integer" {
			return args.add(v) + "::double precision", nil
		}
	}
	return "", geo.FieldError("filter", "%s is not a %s, the type of the property it is compared with", o, typ)
}

func literalList(typ string, e cql2.In, args *sqlArgs) (string, error) {
	var strs []string
	var nums []float64
	for _, l := range e.List {
		switch v := l.Value.(type) {
		case string:
			strs = append(strs, v)
		case float64:
			nums = append(nums, v)
		}
	}
	switch {
	case typ == "string" && len(strs) == len(e.List):
		return args.add(strs) + "::text[]", nil
	case typ == "integer" && len(nums) == len(e.List):
		return args.add(nums) + "::double precision[]", nil
	}
	return "", geo.FieldError("filter", "%s: every value of the list must be a %s", e, typ)
}

// bboxCondition selects geometries that intersect the box (the && lets the GiST index
// choose the candidates).
func bboxCondition(b geo.ItemQuery, args *sqlArgs) string {
	env := fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
		args.add(b.BBox.Min[0]), args.add(b.BBox.Min[1]), args.add(b.BBox.Max[0]), args.add(b.BBox.Max[1]))
	return "geom && " + env + " AND ST_Intersects(geom, " + env + ")"
}
