package importfile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
)

// readTable reads a CSV file whose first row names its columns and calls row for every data
// row with its line number and a getter by column name. Every problem, from a missing column
// to a row of the wrong width, goes into rows.Problems; the error is only a failure to read r.
func readTable[T any](r io.Reader, rows *Rows[T], columns []string, row func(line int, get func(string) string)) error {
	rows.Item = "line"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is reported with its line, not as a read error
	cr.ReuseRecord = true
	cols := map[string]int{} // values are looked up by name: any order, extra columns ignored
	header, err := cr.Read()
	if err == io.EOF {
		rows.problem(0, "", "", "the file is empty: expected a header row %s", strings.Join(columns, ","))
		return nil
	}
	if err != nil {
		return syntax(rows, err)
	}
	if bad := badText(rows, 1, header, nil); bad {
		return nil // without readable column names no row can be read
	}
	var names []string
	badLines := 0 // lines with text that is not UTF-8
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // Excel writes a BOM
		names = append(names, h)
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	width := len(header)
	var missing []string
	for _, c := range columns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		rows.problem(1, "", "", "missing column %s: the header is %q, expected the columns %s",
			strings.Join(missing, ", "), strings.Join(names, ","), strings.Join(columns, ","))
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return syntax(rows, err)
		}
		line, _ := cr.FieldPos(0)
		if badText(rows, line, rec, names) {
			if badLines++; badLines >= maxEncodingProblems {
				rows.problem(line, "", "", "reading stopped here: more lines are not UTF-8 either")
				return nil
			}
			continue
		}
		if len(rec) != width {
			rows.problem(line, "", "", "has %d fields, the header has %d", len(rec), width)
			continue
		}
		row(line, func(col string) string { return strings.TrimSpace(rec[cols[col]]) })
	}
}

// maxEncodingProblems is how many lines with text that is not UTF-8 a CSV reader reports
// before it stops: a GBK file has it on every line, and the first lines say enough.
const maxEncodingProblems = 20

// badText notes a problem at line for every field of rec that is not UTF-8, naming its
// column (names, when known, are the header's), and reports whether there was one.
func badText[T any](rows *Rows[T], line int, rec, names []string) bool {
	bad := false
	for i, f := range rec {
		if utf8.ValidString(f) {
			continue
		}
		col := fmt.Sprintf("column %d", i+1)
		if i < len(names) && utf8.ValidString(names[i]) {
			col = names[i]
		}
		rows.problem(line, "", col, "%s", notUTF8([]byte(f)))
		bad = true
	}
	return bad
}

// syntax turns a CSV syntax error into a problem at its line; reading stops there, since
// after a stray quote the reader no longer knows where rows begin.
func syntax[T any](rows *Rows[T], err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rows.problem(pe.StartLine, "", "", "not valid CSV: %v (reading stopped here)", pe.Err)
		return nil
	}
	return err
}

// ReadDivisions reads divisions.csv (code,name,level,parent_code) into units without
// geometry. The error is only for a failure to read r; everything wrong with the content
// is in Problems.
func ReadDivisions(r io.Reader) (Rows[geo.Unit], error) {
	var rows Rows[geo.Unit]
	err := readTable(r, &rows, []string{"code", "name", "level", "parent_code"}, func(line int, get func(string) string) {
		rows.add(line, geo.Unit{Code: get("code"), Name: get("name"), Level: geo.Level(get("level")), ParentCode: get("parent_code")})
	})
	return rows, err
}

// ReadTenHH reads tenhh.csv (code,grid_code,name). The error is only for a failure to read
// r; everything wrong with the content is in Problems.
func ReadTenHH(r io.Reader) (Rows[geo.TenHH], error) {
	var rows Rows[geo.TenHH]
	err := readTable(r, &rows, []string{"code", "grid_code", "name"}, func(line int, get func(string) string) {
		rows.add(line, geo.TenHH{Code: get("code"), GridCode: get("grid_code"), Name: get("name")})
	})
	return rows, err
}

// ReadPeople reads people.csv (id,name,phone,role,unit_code), one row per role. The error
// is only for a failure to read r; everything wrong with the content is in Problems.
func ReadPeople(r io.Reader) (Rows[geo.Responsibility], error) {
	var rows Rows[geo.Responsibility]
	err := readTable(r, &rows, []string{"id", "name", "phone", "role", "unit_code"}, func(line int, get func(string) string) {
		rows.add(line, geo.Responsibility{PersonID: get("id"), Name: get("name"), Phone: get("phone"),
			Role: geo.Role(get("role")), UnitCode: get("unit_code")})
	})
	return rows, err
}

// ReadHouseholds reads households.csv (id,unit_code,address,members,lon,lat). An empty
// members value counts as 1, the schema's default. The error is only for a failure to read
// r; everything wrong with the content is in Problems.
func ReadHouseholds(r io.Reader) (Rows[geo.Household], error) {
	var rows Rows[geo.Household]
	err := readTable(r, &rows, []string{"id", "unit_code", "address", "members", "lon", "lat"}, func(line int, get func(string) string) {
		h := geo.Household{ID: get("id"), UnitCode: get("unit_code"), Address: get("address"), Members: 1}
		bad := false
		if m := get("members"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil {
				rows.problem(line, h.ID, "members", "%q is not a whole number", m)
				bad = true
			}
			h.Members = n
		}
		for i, col := range []string{"lon", "lat"} {
			v := get(col)
			f, err := strconv.ParseFloat(v, 64)
			// Out of range parses as ±Inf, which CheckLonLat reports as not finite.
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				rows.problem(line, h.ID, col, "%q is not a number", v)
				bad = true
			}
			h.Point[i] = f
		}
		if !bad {
			rows.add(line, h)
		}
	})
	return rows, err
}
