// Package geo holds gridmap's domain: the levels and codes of administrative units, the
// responsibility chain, validation of codes and geometry, and the error kinds the rest of the
// service maps to its own protocols. It does no I/O: no database, no HTTP.
package geo

import "fmt"

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

// Levels lists the levels from county down to grid.
var Levels = []Level{County, Town, Village, Group, Grid}

// ParseLevel returns the level named s, or an Invalid error naming the known levels.
func ParseLevel(s string) (Level, error) {
	for _, l := range Levels {
		if string(l) == s {
			return l, nil
		}
	}
	return "", Errorf(Invalid, "unknown level %q: expected one of county, town, village, group, grid", s)
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
	want := map[Level][]int{County: {6}, Town: {9}, Village: {12}, Group: {15}, Grid: {15, 18}}[l]
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
	if l == County {
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

// ParentLevel returns the level a unit of level l with a code of codeLen digits sits under:
// a 15-digit grid sits directly under a village, an 18-digit grid under a group.
func ParentLevel(l Level, codeLen int) Level {
	switch l {
	case Town:
		return County
	case Village:
		return Town
	case Group:
		return Village
	case Grid:
		if codeLen == 15 {
			return Village
		}
		return Group
	}
	return ""
}

func digitsText(ns []int) string {
	if len(ns) == 1 {
		return fmt.Sprint(ns[0])
	}
	return fmt.Sprintf("%d or %d", ns[0], ns[1])
}
