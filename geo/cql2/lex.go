package cql2

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tEOF    tokenKind = iota
	tIdent            // a bare word: a property name or a keyword
	tQuoted           // "a property name"
	tString           // 'a string'
	tNumber
	tSymbol // ( ) , = <> < <= > >=
)

type token struct {
	kind tokenKind
	text string // the word, the unquoted string or name, the number's text, the symbol
	num  float64
	pos  int // byte offset in the input, for error messages
}

// Error is a syntax error at a byte offset of the filter.
type Error struct {
	Pos     int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("at character %d: %s", e.Pos+1, e.Message) }

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Message: fmt.Sprintf(format, args...)}
}

// lex splits the whole input into tokens.
func lex(s string) ([]token, error) {
	if !utf8.ValidString(s) {
		return nil, errAt(0, "the filter is not valid UTF-8")
	}
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '=':
			toks = append(toks, token{kind: tSymbol, text: s[i : i+1], pos: i})
			i++
		case c == '<' || c == '>':
			n := 1
			if i+1 < len(s) && (s[i+1] == '=' || (c == '<' && s[i+1] == '>')) {
				n = 2
			}
			toks = append(toks, token{kind: tSymbol, text: s[i : i+n], pos: i})
			i += n
		case c == '\'' || c == '"':
			text, end, err := quoted(s, i)
			if err != nil {
				return nil, err
			}
			kind := tString
			if c == '"' {
				kind = tQuoted
				if text == "" {
					return nil, errAt(i, "an empty property name")
				}
			}
			toks = append(toks, token{kind: kind, text: text, pos: i})
			i = end
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			// Letters are taken in too, so that 0x10 or 1abc is one bad number rather than a
			// number followed by a name.
			for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == '_' || isASCIILetter(s[j]) ||
				((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			text := s[i:j]
			f, err := strconv.ParseFloat(text, 64)
			if err != nil || !isDecimal(text) {
				return nil, errAt(i, "%q is not a number", text)
			}
			toks = append(toks, token{kind: tNumber, text: text, num: f, pos: i})
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			if !isIdentStart(r) {
				return nil, errAt(i, "unexpected %q", r)
			}
			j := i
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !isIdentStart(r) && !unicode.IsDigit(r) && r != '.' && r != ':' {
					break
				}
				j += n
			}
			toks = append(toks, token{kind: tIdent, text: s[i:j], pos: i})
			i = j
		}
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

// quoted reads a string or name starting at the quote s[i], where a doubled quote stands for
// one; it returns the text and the offset after the closing quote.
func quoted(s string, i int) (string, int, error) {
	q := s[i]
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			b.WriteByte(s[j])
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			b.WriteByte(q)
			j++
			continue
		}
		return b.String(), j + 1, nil
	}
	return "", 0, errAt(i, "the quote opened here is never closed")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// isDecimal accepts plain decimal numbers only (no hex, no Inf, no NaN, no underscores),
// which is what CQL2's numeric literal allows.
func isDecimal(s string) bool {
	s = strings.TrimLeft(s, "+-")
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits = true
		case c == '.':
		case c == 'e' || c == 'E':
			return digits && len(s) > i+1
		default:
			return false
		}
	}
	return digits
}
