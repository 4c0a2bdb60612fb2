package coverage

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// orient returns the sign of the cross product (b−a)×(c−a), exactly: +1 when c lies left of
// the line a→b, −1 right of it, 0 on it. Deciding that a vertex lies on a neighbour's edge
// is a yes/no question that float rounding must not answer wrongly (a wrong "no" leaves an
// edge uncancelled, a wrong "yes" cancels one that should not), so the float result is
// trusted only when it is far from zero by more than its rounding error can be (the bound
// is Shewchuk's for this expression), and otherwise recomputed in exact rationals. Almost
// every call settles in floats; the exact path runs for points on or very near the line.
func orient(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	if bound := orientErrBound * (math.Abs(l) + math.Abs(r)); det > bound || -det > bound {
		return sign(det)
	}
	return orientExact(a, b, c)
}

// orientErrBound is (3 + 16ε)ε with ε = 2⁻⁵³: how far the rounded determinant may be from the
// true one, relative to the size of its two products.
var orientErrBound = (3 + 16*math.Ldexp(1, -53)) * math.Ldexp(1, -53)

func orientExact(a, b, c orb.Point) int {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	sub := func(x, y float64) *big.Rat { return new(big.Rat).Sub(rat(x), rat(y)) }
	l := new(big.Rat).Mul(sub(b[0], a[0]), sub(c[1], a[1]))
	r := new(big.Rat).Mul(sub(b[1], a[1]), sub(c[0], a[0]))
	return l.Cmp(r)
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// strictlyInside reports whether p lies on the segment a–b and is neither of its ends.
func strictlyInside(a, b, p orb.Point) bool {
	if p == a || p == b {
		return false
	}
	if p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) ||
		p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) {
		return false
	}
	return orient(a, b, p) == 0
}
