package wire

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// These tests hold the hand-written writers to what encoding/json and strconv do, on
// inputs chosen to hit their corners.

// randomStrings returns n strings of up to maxParts pieces of the alphabet each, the same
// for the same seed.
func randomStrings(seed int64, n, maxParts int, alphabet ...string) []string {
	rng := rand.New(rand.NewSource(seed))
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		for range rng.Intn(maxParts) {
			sb.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		out[i] = sb.String()
	}
	return out
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `q"uote`, `back\slash`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f",
		"<html>&amp;", "中文网格", "\u2028\u2029", "bad\xffutf8", "\xe4\xb8", "\xed\xa0\x80 surrogate", "🙂"}
	cases = append(cases, randomStrings(1, 2000, 12, "a", "\"", "\\", "\n", "\x01", "\x7f", "<", "中", "\u2028", "\xff", "\xe4", "🙂", " ")...)
	for _, s := range cases {
		want := strings.TrimSuffix(string(encodeJSON(t, s)), "\n")
		if got := string(appendJSONString(nil, s)); got != want {
			t.Fatalf("%q: got %s, encoding/json writes %s", s, got, want)
		}
		if got := string(appendJSONString(nil, []byte(s))); got != want {
			t.Fatalf("%q as bytes: got %s, encoding/json writes %s", s, got, want)
		}
	}
}

func TestDecimalValueAgreesWithParseFloat(t *testing.T) {
	cases := []string{"0", "-0", "+0", "104.593094", "-26.5", "7.", ".5", "-.5", "0000104.5", "1.7976931348623157",
		"9007199254740993", "9007199254740992", "900719925474099.3", "0.1234567890123456789", "1.0000000000000000000001",
		"123456789012345678", "1e5", "1.5e-3", "NaN", "inf", "", "-", ".", "1..2", "1.2.3", "1_0", "0x1p3", "+-1", " 1"}
	rng := rand.New(rand.NewSource(2))
	for range 20000 {
		v := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.Intn(8)))
		cases = append(cases, strconv.FormatFloat(v, 'f', rng.Intn(12), 64))
	}
	for _, s := range cases {
		got, ok := decimalValue([]byte(s), true)
		want, err := strconv.ParseFloat(s, 64)
		if !ok {
			continue // left to strconv
		}
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: decimalValue says %v, ParseFloat %v (%v)", s, got, want, err)
		}
	}
	if _, ok := decimalValue([]byte("+1"), false); ok {
		t.Fatal("JSON numbers have no plus sign")
	}
	for _, s := range []string{"104.593094", "-26.5", "0", "7."} {
		if _, ok := decimalValue([]byte(s), true); !ok {
			t.Fatalf("%q should take the fast road", s)
		}
	}
}

// appendJSONFloat writes every float64 as encoding/json does, and the message of a miss
// writes the coordinates as %v does.
func TestAppendJSONFloat(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 1e-6, -1e-6, math.Nextafter(1e-6, 0), math.Nextafter(1e-6, 1),
		1e21, -1e21, math.Nextafter(1e21, 0), math.Nextafter(1e21, math.Inf(1)), 1e-7, 1e-10, 1e-100, 5e-324,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1e20, 123456789012345680000, 0.1, 105.0197, 26.9147,
		-179.999999, 89.99999999999999, 1e-5, 9.999999999999999e-7, 1.5e300, 2.5e-8}
	rng := rand.New(rand.NewSource(1))
	for range 200000 {
		var f float64
		switch rng.Intn(4) {
		case 0: // any bits
			f = math.Float64frombits(rng.Uint64())
		case 1: // any magnitude
			f = (rng.Float64()*2 - 1) * math.Pow(10, float64(rng.Intn(640)-324))
		case 2: // a coordinate
			f = (rng.Float64()*2 - 1) * 180
		case 3: // around the switch to exponents
			f = (rng.Float64()*2 - 1) * math.Pow(10, float64(rng.Intn(6)-8))
		}
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			vals = append(vals, f)
		}
	}
	for _, f := range vals {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Fatalf("%b: appendJSONFloat %s, encoding/json %s", f, got, want)
		}
		if got, want := strconv.AppendFloat(nil, f, 'g', -1, 64), fmt.Sprintf("%v", f); string(got) != want {
			t.Fatalf("%b: 'g' %s, %%v %s", f, got, want)
		}
	}
}
