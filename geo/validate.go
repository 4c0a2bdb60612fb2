package geo

import (
	"fmt"
	"strings"
)

// The checks below need no database: they run on a whole file before anything is sent, so
// an import reports every problem of the file at once. Checks that need stored state (does
// the parent exist, does the point lie in its grid) are the importer's, in SQL.

// levelDigits is how many digits a unit code of each level has.
var levelDigits = map[Level][]int{County: {6}, Town: {9}, Village: {12}, Group: {15}, Grid: {15, 18}}

// CheckUnit returns the problems of one unit (Index left 0 for the caller to set). A unit
// without a geometry is a division known by code only, which is allowed.
func CheckUnit(u Unit) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Key: u.Code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if u.Code == "" {
		add("code", "is empty")
	}
	if strings.TrimSpace(u.Name) == "" {
		add("name", "is empty")
	}
	if _, err := ParseLevel(string(u.Level)); err != nil {
		add("level", "%s", message(err))
	} else if u.Code != "" {
		if err := CheckCode(u.Level, u.Code, u.ParentCode); err != nil {
			// Blame parent_code when the code itself would pass with the parent it implies.
			implied := ""
			if u.Level != County && len(u.Code) > 3 {
				implied = u.Code[:len(u.Code)-3]
			}
			field := "code"
			if CheckCode(u.Level, u.Code, implied) == nil {
				field = "parent_code"
			}
			add(field, "%s", message(err))
		}
	}
	if len(u.Geom) > 0 {
		for _, m := range CheckPolygonal(u.Geom) {
			add("geometry", "%s", m)
		}
	}
	return ps
}

// CheckFeature returns the problems of one reference feature: its id, layer, optional
// county code, and a geometry of the kind its layer takes.
func CheckFeature(f Feature) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Key: f.ID, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(f.ID) == "" {
		add("id", "is empty")
	}
	known := f.Layer.Known()
	if !known {
		add("layer", "unknown layer %q: expected one of %s", f.Layer, joinLayers())
	}
	if f.CountyCode != "" && !isDigits(f.CountyCode, 6) {
		add("county_code", "%q is not a 6-digit county code", f.CountyCode)
	}
	if f.Geom == nil {
		add("geometry", "is missing")
		return ps
	}
	wantLine := f.Layer.Lines()
	switch f.Geom.GeoJSONType() {
	case "LineString", "MultiLineString":
		if known && !wantLine {
			add("geometry", "a %s is a Polygon or MultiPolygon, got a %s", f.Layer, f.Geom.GeoJSONType())
			return ps
		}
	case "Polygon", "MultiPolygon":
		if known && wantLine {
			add("geometry", "a %s is a LineString or MultiLineString, got a %s", f.Layer, f.Geom.GeoJSONType())
			return ps
		}
	default:
		add("geometry", "%s is not a geometry a feature can have", f.Geom.GeoJSONType())
		return ps
	}
	var msgs []string
	if wantLine || f.Geom.GeoJSONType() == "LineString" || f.Geom.GeoJSONType() == "MultiLineString" {
		msgs = CheckLinear(f.Geom)
	} else {
		msgs = CheckPolygonal(f.Geom)
	}
	for _, m := range msgs {
		add("geometry", "%s", m)
	}
	return ps
}

// CheckTenHH returns the problems of one ten-household unit: its code must be its grid's
// code plus three digits.
func CheckTenHH(t TenHH) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Key: t.Code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	gridOK := isDigits(t.GridCode, 15) || isDigits(t.GridCode, 18)
	if !gridOK {
		add("grid_code", "%q is not a grid code (15 or 18 digits)", t.GridCode)
	}
	switch {
	case t.Code == "":
		add("code", "is empty")
	case !isDigits(t.Code, len(t.Code)):
		add("code", "%q: only digits are allowed", t.Code)
	case gridOK && (len(t.Code) != len(t.GridCode)+3 || !strings.HasPrefix(t.Code, t.GridCode)):
		add("code", "%q is not its grid_code %q plus three digits", t.Code, t.GridCode)
	}
	return ps
}

// CheckResponsibility returns the problems of one people.csv row: a known role, and a unit
// code whose length fits the level that role answers for (the level itself is checked
// against the database by the importer).
func CheckResponsibility(r Responsibility) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Key: r.PersonID, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(r.PersonID) == "" {
		add("id", "is empty")
	}
	if strings.TrimSpace(r.Name) == "" {
		add("name", "is empty")
	}
	level, known := RoleLevel[r.Role]
	if !known {
		add("role", "unknown role %q: expected one of %s", r.Role, joinRoles())
	}
	if r.UnitCode == "" {
		add("unit_code", "is empty")
		return ps
	}
	if !isDigits(r.UnitCode, len(r.UnitCode)) {
		add("unit_code", "%q: only digits are allowed", r.UnitCode)
		return ps
	}
	if !known {
		return ps
	}
	want, what := levelDigits[level], "a "+string(level)
	if r.Role == UnitHead {
		want, what = []int{18, 21}, "a ten-household unit"
	}
	if !hasLen(r.UnitCode, want) {
		add("unit_code", "a %s answers for %s, whose code has %s digits; %q has %d",
			r.Role, what, digitsText(want), r.UnitCode, len(r.UnitCode))
	}
	return ps
}

// CheckHousehold returns the problems of one household: id, ten-household unit code,
// member count and a point inside China given as lon, lat.
func CheckHousehold(h Household) []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Key: h.ID, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(h.ID) == "" {
		add("id", "is empty")
	}
	if !isDigits(h.UnitCode, 18) && !isDigits(h.UnitCode, 21) {
		add("unit_code", "%q is not a ten-household unit code (18 or 21 digits)", h.UnitCode)
	}
	if h.Members < 1 || h.Members > 100 {
		add("members", "%d is outside 1..100", h.Members)
	}
	if m := CheckLonLat(h.Point); m != "" {
		add("lon,lat", "%s", m)
	}
	return ps
}

func isDigits(s string, n int) bool {
	if len(s) != n || n == 0 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func hasLen(s string, ns []int) bool {
	for _, n := range ns {
		if len(s) == n {
			return true
		}
	}
	return false
}

// message is an error's text without the field prefix *Error adds.
func message(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	return err.Error()
}

func joinLayers() string {
	s := make([]string, len(Layers))
	for i, l := range Layers {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

func joinRoles() string {
	return "county_secretary, town_director, village_secretary, group_head, grid_head, grid_worker, unit_head"
}
