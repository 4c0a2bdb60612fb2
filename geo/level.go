// Package geo holds gridmap's domain: the levels and codes of administrative units, the
// responsibility chain, validation of codes and geometry, and the error kinds the rest of the
// service maps to its own protocols. It does no I/O: no database, no HTTP.
package geo

import (
	"fmt"
	"slices"
	"strings"
)

// Level is the level of an administrative unit in the five-level chain.
type Level string

// The five levels, from the largest to the smallest.
const (
	County  Level = "county"  // 县 / 区
	Town    Level = "town"    // 镇 / 乡 / 街道
	Village Level = "village" // 村 / 社区
	Group   Level = "group"   // 组
	Grid    Level = "grid"    // 片区 / 网格
)

// levelTable is the one list of the levels, from the largest to the smallest, with the
// lengths their codes may have: everything else (Levels, ranks, code checks, parents, the
// index's levels, the tile layers, the SQL that ranks levels) is derived from it, so adding
// a level is adding a row.
var levelTable = []struct {
	level  Level
	digits []int // a code extends its parent's by three digits
}{
	{County, []int{6}},
	{Town, []int{9}},
	{Village, []int{12}},
	{Group, []int{15}},
	{Grid, []int{15, 18}}, // under a village, or under a group
}

// Levels lists the levels from county down to grid. Callers must not modify it.
var Levels = func() []Level {
	ls := make([]Level, len(levelTable))
	for i, r := range levelTable {
		ls[i] = r.level
	}
	return ls
}()

// Deepest is the smallest level, the one that covers the map without gaps (the grid).
var Deepest = Levels[len(Levels)-1]

// LevelNames returns the names of the levels from the largest to the smallest, for SQL
// parameters and listings.
func LevelNames() []string {
	names := make([]string, len(Levels))
	for i, l := range Levels {
		names[i] = string(l)
	}
	return names
}

// ParseLevel returns the level named s, or an Invalid error naming the known levels.
func ParseLevel(s string) (Level, error) {
	for _, l := range Levels {
		if string(l) == s {
			return l, nil
		}
	}
	return "", Errorf(Invalid, "unknown level %q: expected one of %s", s, strings.Join(LevelNames(), ", "))
}

// Rank is 0 for county up to 4 for grid.
func (l Level) Rank() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// CheckCode reports whether code is a valid code for a unit of level l whose parent has
// parentCode (empty for a county). It returns an Invalid error that says what is wrong.
func CheckCode(l Level, code, parentCode string) error {
	for _, c := range code {
		if c < '0' || c > '9' {
			return Errorf(Invalid, "code %q: only digits are allowed", code)
		}
	}
	want := l.digits()
	if want == nil {
		return Errorf(Invalid, "unknown level %q", l)
	}
	ok := false
	for _, n := range want {
		ok = ok || len(code) == n
	}
	if !ok {
		return Errorf(Invalid, "code %q has %d digits, but a %s code has %s", code, len(code), l, digitsText(want))
	}
	if l.Rank() == 0 {
		if parentCode != "" {
			return Errorf(Invalid, "code %q: a county has no parent, got parent_code %q", code, parentCode)
		}
		return nil
	}
	if parentCode == "" {
		return Errorf(Invalid, "code %q: a %s needs a parent_code", code, l)
	}
	if len(parentCode) != len(code)-3 || code[:len(parentCode)] != parentCode {
		return Errorf(Invalid, "code %q does not extend its parent_code %q by three digits", code, parentCode)
	}
	return nil
}

// digits returns the lengths a code of level l may have; nil for an unknown level.
func (l Level) digits() []int {
	if r := l.Rank(); r >= 0 {
		return levelTable[r].digits
	}
	return nil
}

// ParentLevel returns the level a unit of level l with a code of codeLen digits sits under:
// the nearest level above l whose codes have codeLen-3 digits (a 15-digit grid sits directly
// under a village, an 18-digit grid under a group), or the level just above l when none has
// (a code CheckCode refuses). It returns "" for the top level and unknown levels.
func ParentLevel(l Level, codeLen int) Level {
	r := l.Rank()
	if r <= 0 {
		return ""
	}
	for p := r - 1; p >= 0; p-- {
		if slices.Contains(levelTable[p].digits, codeLen-3) {
			return levelTable[p].level
		}
	}
	return levelTable[r-1].level
}

func digitsText(ns []int) string {
	if len(ns) == 1 {
		return fmt.Sprint(ns[0])
	}
	return fmt.Sprintf("%d or %d", ns[0], ns[1])
}
