package wire

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// The numbers and strings of every hand-written answer, each written exactly as
// encoding/json writes it.

// appendInt appends a non-negative int in decimal; small numbers (line indexes) are the hot
// case, so this avoids strconv's general path.
func appendInt(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendJSONString appends s as a JSON string exactly as encoding/json writes it with HTML
// escaping off — the batch lines must stay byte for byte what the json.Encoder used to
// write: quote and backslash escaped, control characters as \b \f \n \r \t or \u00XX,
// invalid UTF-8 bytes as \ufffd, and U+2028/U+2029 escaped (JavaScript reads them as line
// ends).
func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func decodeRune[S ~string | ~[]byte](s S) (rune, int) {
	if len(s) > utf8.UTFMax {
		s = s[:utf8.UTFMax]
	}
	return utf8.DecodeRuneInString(string(s))
}

const hexDigits = "0123456789abcdef"

// appendJSONFloat appends f as encoding/json writes a float64: the shortest decimal that
// reads back as f, plainly written when f is zero or 1e-6 <= |f| < 1e21, otherwise with an
// exponent, whose two-digit negative form loses its leading zero (1e-07 becomes 1e-7).
// f must be finite.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	if n := len(b); n >= 4 && string(b[n-4:n-1]) == "e-0" {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalValue converts an optional sign (+ only when plus), digits and an optional fraction
// — "104.593094", "-0.5", "7." — without strconv and without allocating. It reports false
// for anything else (exponents, too many digits, stray characters), for which the caller
// asks strconv.ParseFloat. When it answers, the answer is the one ParseFloat gives: with at
// most 2^53 as the digits' integer and at most 22 fraction digits, both the integer and the
// power of ten are exact float64s, and one IEEE division rounds their quotient correctly.
func decimalValue(s []byte, plus bool) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || (plus && s[0] == '+')) {
		neg = s[0] == '-'
		i++
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				frac++
			}
			mant = mant*10 + uint64(c-'0')
			if mant > 1<<53 || digits > 19 {
				return 0, false
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || frac >= len(pow10) {
		return 0, false
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
