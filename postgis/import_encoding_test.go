package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbk encodes s as GBK, as Excel and WPS save a file on a Chinese desktop.
func gbk(t *testing.T, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportRefusesGBKAndConvertsIt imports a divisions CSV and a units GeoJSON saved as
// GBK: read as UTF-8 they are refused with the line or the feature and property named and
// the encoding guessed, and nothing is stored; with Encoding gb18030 the names are stored
// as the Chinese they are.
func TestImportRefusesGBKAndConvertsIt(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	divisions := "code,name,level,parent_code\n990161,编码县,county,\n990161001,鸡场镇,town,990161\n"
	units := collection("", unitFeature("990162", "坪地县", "county", "", box(85, 40, 85.1, 40.1)))
	cases := []struct {
		name, content string
		kind          importfile.Kind
		codes         []string
		refused       []string
		stored        map[string]string
	}{
		{"divisions CSV", divisions, importfile.Divisions, []string{"990161", "990161001"},
			[]string{"line 2: name: is not UTF-8 text; it looks like GBK/GB18030 (it reads \"编码县\")", "line 3: name:", "-encoding gb18030"},
			map[string]string{"990161": "编码县", "990161001": "鸡场镇"}},
		{"units GeoJSON", units, importfile.Units, []string{"990162"},
			[]string{"feature 1 (990162): name: is not UTF-8 text; it looks like GBK/GB18030 (it reads \"坪地县\")", "-encoding gb18030"},
			map[string]string{"990162": "坪地县"}},
	}
	names := func(codes []string) map[string]string {
		got := map[string]string{}
		rows, err := pgtest.Pool(t).Query(ctx, `SELECT code, name FROM units WHERE code = ANY($1)`, codes)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c, n string
			if err := rows.Scan(&c, &n); err != nil {
				t.Fatal(err)
			}
			got[c] = n
		}
		return got
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := gbk(t, tc.content)
			_, err := db.ImportWith(ctx, tc.kind, tc.kind.File, strings.NewReader(file), postgis.ImportOptions{})
			if err == nil {
				t.Fatal("a GBK file was imported as UTF-8")
			}
			for _, w := range tc.refused {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if got := names(tc.codes); len(got) != 0 {
				t.Fatalf("a refused file stored %v", got)
			}
			rep, err := db.ImportWith(ctx, tc.kind, tc.kind.File, strings.NewReader(file), postgis.ImportOptions{Encoding: "gb18030"})
			if err != nil {
				t.Fatalf("with gb18030: %v", err)
			}
			if rep.Counts.Inserted != len(tc.codes) {
				t.Errorf("counts %+v, want %d inserted", rep.Counts, len(tc.codes))
			}
			got := names(tc.codes)
			for c, w := range tc.stored {
				if got[c] != w {
					t.Errorf("unit %s stored as %q, want %q", c, got[c], w)
				}
			}
			// The UTF-8 file itself, read as GB18030, would turn into mojibake: refused.
			_, err = db.ImportWith(ctx, tc.kind, tc.kind.File, strings.NewReader(tc.content), postgis.ImportOptions{Encoding: "gb18030"})
			if err == nil || !strings.Contains(err.Error(), "UTF-8 already") {
				t.Errorf("a UTF-8 file read as gb18030: got %v, want it refused", err)
			}
		})
	}
}
