package directory

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
)

// Match says why a unit answered a search, best first.
type Match int

// The kinds of match, in the order results are ranked.
const (
	ExactCode  Match = iota // the code is the query
	CodePrefix              // the code starts with the query
	NamePrefix              // the name, or its pinyin initials, starts with the query
	NameInside              // the name, or its pinyin initials, contains the query
)

func (m Match) String() string {
	return [...]string{"code", "code_prefix", "name_prefix", "name"}[m]
}

// Hit is one search result.
type Hit struct {
	Entry  *Entry
	Match  Match
	Pinyin bool // matched the name's pinyin initials rather than the name
}

// searchIndex finds units by code and name without a scan: codes are searched in each
// level's code order (byLevel), names through posting lists.
type searchIndex struct {
	ordered []*Entry         // every unit in (level, code) order: Entry.ordinal indexes it
	names   []string         // lower-case names, by ordinal
	posting map[rune][]int32 // rune of a name or of its initials -> ordinals, ascending
	first   map[rune][]int32 // first rune of a name or of its initials -> ordinals, ascending
}

func newSearchIndex(v *View) searchIndex {
	s := searchIndex{posting: map[rune][]int32{}, first: map[rune][]int32{}}
	for _, es := range v.byLevel {
		s.ordered = append(s.ordered, es...)
	}
	s.names = make([]string, len(s.ordered))
	seen := map[rune]int32{} // rune -> the last ordinal listed, so a name lists each rune once
	for i, e := range s.ordered {
		s.names[i] = strings.ToLower(e.Name)
		a, _ := utf8.DecodeRuneInString(s.names[i])
		s.first[a] = append(s.first[a], int32(i))
		if b, _ := utf8.DecodeRuneInString(e.initials); e.initials != "" && b != a {
			s.first[b] = append(s.first[b], int32(i))
		}
		for _, r := range s.names[i] + e.initials {
			if last, ok := seen[r]; ok && last == int32(i) {
				continue
			}
			seen[r] = int32(i)
			s.posting[r] = append(s.posting[r], int32(i))
		}
	}
	return s
}

// MaxQuery is the longest query Search takes, in characters.
const MaxQuery = 64

// Search returns up to limit units whose code starts with q (all digits) or whose name, or
// the name's pinyin initials (ascii letters, any case), contains q. Results come ranked: the
// exact code, code prefixes, name prefixes, names that contain q; within each kind larger
// units first (county before grid), then by code. q is trimmed; an empty q finds nothing.
// levels, when given, keep only units of those levels.
func (v *View) Search(q string, limit int, levels ...geo.Level) []Hit {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" || limit <= 0 {
		return nil
	}
	wanted := func(e *Entry) bool { return len(levels) == 0 || slices.Contains(levels, e.Level) }
	var ranked [4][]Hit
	seen := map[*Entry]bool{}
	better := func(m Match) int { // hits found of kinds better than or equal to m
		n := 0
		for k := ExactCode; k <= m; k++ {
			n += len(ranked[k])
		}
		return n
	}
	if e, ok := v.entries[q]; ok && wanted(e) {
		ranked[ExactCode] = append(ranked[ExactCode], Hit{Entry: e, Match: ExactCode})
		seen[e] = true
	}
	if digitsOnly(q) {
		v.codePrefix(q, limit-better(ExactCode), seen, wanted, &ranked[CodePrefix])
	}
	v.nameMatches(q, limit, seen, wanted, &ranked, better)
	out := slices.Concat(ranked[:]...)
	return out[:min(len(out), limit)]
}

// codePrefix appends up to n units whose code starts with q, level by level in code order.
func (v *View) codePrefix(q string, n int, seen map[*Entry]bool, wanted func(*Entry) bool, out *[]Hit) {
	for _, es := range v.byLevel {
		if len(es) == 0 || !wanted(es[0]) {
			continue // a level not asked for (each list holds one level)
		}
		lo, _ := slices.BinarySearchFunc(es, q, func(e *Entry, c string) int { return strings.Compare(e.Code, c) })
		for i := lo; i < len(es) && len(*out) < n && strings.HasPrefix(es[i].Code, q); i++ {
			if !seen[es[i]] {
				seen[es[i]] = true
				*out = append(*out, Hit{Entry: es[i], Match: CodePrefix})
			}
		}
	}
}

// nameMatches finds name prefixes among the names (and initials) that start with q's first
// character, then names that contain q along the shortest posting list of q's characters,
// both in (level, code) order, each stopping as soon as the kinds up to its own hold limit
// hits.
func (v *View) nameMatches(q string, limit int, seen map[*Entry]bool, wanted func(*Entry) bool, ranked *[4][]Hit, better func(Match) int) {
	s := &v.search
	letters := hasLetter(q)
	q0, _ := utf8.DecodeRuneInString(q)
	for _, i := range s.first[q0] {
		if better(NamePrefix) >= limit {
			return
		}
		e := s.ordered[i]
		if seen[e] || !wanted(e) {
			continue
		}
		byName := strings.HasPrefix(s.names[i], q)
		if byName || letters && strings.HasPrefix(e.initials, q) {
			seen[e] = true
			ranked[NamePrefix] = append(ranked[NamePrefix], Hit{Entry: e, Match: NamePrefix, Pinyin: !byName})
		}
	}
	var list []int32
	for n, r := range []rune(q) {
		l, ok := s.posting[r]
		if !ok {
			return // a character no name holds
		}
		if n == 0 || len(l) < len(list) {
			list = l
		}
	}
	for _, i := range list {
		if better(NameInside) >= limit {
			return
		}
		e := s.ordered[i]
		if seen[e] || !wanted(e) {
			continue
		}
		byName := strings.Contains(s.names[i], q)
		if byName || letters && strings.Contains(e.initials, q) {
			seen[e] = true
			ranked[NameInside] = append(ranked[NameInside], Hit{Entry: e, Match: NameInside, Pinyin: !byName})
		}
	}
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// hasLetter reports whether s holds an ascii letter: only such queries are matched against
// pinyin initials (a query of digits would otherwise match the digits initials keep).
func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// CheckQuery returns a description of what is wrong with q as a search, or "".
func CheckQuery(q string) string {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return "is empty: give part of a unit's code or name"
	case !utf8.ValidString(q):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(q) > MaxQuery:
		return "is longer than 64 characters"
	}
	for _, r := range q {
		if r < 0x20 || r == 0x7f {
			return "holds a control character"
		}
	}
	return ""
}
