package postgis_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// importSize is the shape of a generated county: towns in a grid of columns × rows, six
// villages per town, thirteen grids per village, and ten-household units and households
// spread over the grids.
type importSize struct {
	townCols, townRows int
	tenhh, households  int
}

// TestImportLarge imports a generated county, then imports its units and households again
// and expects every row unchanged and nothing stored. By default the county is a few towns
// (a few seconds); with GRIDMAP_IMPORT_LARGE=1 it is the size of 水城区 (30 towns, 180
// villages, 2,340 grids with 100-vertex boundaries, 16,000 ten-household units, 181,300
// households; over a minute), to time imports.
func TestImportLarge(t *testing.T) {
	size := importSize{townCols: 2, townRows: 2, tenhh: 1600, households: 12000}
	if os.Getenv("GRIDMAP_IMPORT_LARGE") != "" {
		size = importSize{townCols: 6, townRows: 5, tenhh: 16000, households: 181300}
	}
	db := pgtest.DB(t)
	const county = "990120"
	const x0, y0 = 100.0, 30.0
	var feats []map[string]any
	var grids []string
	gridBox := map[string][4]float64{}
	feats = append(feats, unitFeature(county, "大县", "county", "", densified(x0, y0, x0+0.2*float64(size.townCols), y0+0.2*float64(size.townRows), 100)))
	for tx := 0; tx < size.townCols; tx++ {
		for ty := 0; ty < size.townRows; ty++ {
			town := fmt.Sprintf("%s%03d", county, 100+tx*size.townRows+ty)
			tX, tY := x0+float64(tx)*0.2, y0+float64(ty)*0.2
			feats = append(feats, unitFeature(town, "镇", "town", county, densified(tX, tY, tX+0.2, tY+0.2, 100)))
			for v := 0; v < 6; v++ { // villages in 3 columns, 2 rows
				village := fmt.Sprintf("%s%03d", town, v+1)
				vX, vY := tX+float64(v%3)*0.2/3, tY+float64(v/3)*0.1
				feats = append(feats, unitFeature(village, "村", "village", town, densified(vX, vY, vX+0.2/3, vY+0.1, 100)))
				for g := 0; g < 13; g++ { // grids in strips
					grid := fmt.Sprintf("%s%03d", village, g+1)
					gY := vY + float64(g)*0.1/13
					box := [4]float64{vX, gY, vX + 0.2/3, gY + 0.1/13}
					feats = append(feats, unitFeature(grid, "网格", "grid", village, densified(box[0], box[1], box[2], box[3], 100)))
					grids = append(grids, grid)
					gridBox[grid] = box
				}
			}
		}
	}
	units := collection("", feats...)

	var tenhh, households strings.Builder
	tenhh.WriteString("code,grid_code,name\n")
	households.WriteString("id,unit_code,address,members,lon,lat\n")
	rng := rand.New(rand.NewSource(1))
	var tenhhCodes []string
	for i := 0; i < size.tenhh; i++ {
		grid := grids[i%len(grids)]
		code := fmt.Sprintf("%s%03d", grid, i/len(grids)+1)
		fmt.Fprintf(&tenhh, "%s,%s,联户%d\n", code, grid, i)
		tenhhCodes = append(tenhhCodes, code)
	}
	for i := 0; i < size.households; i++ {
		unit := tenhhCodes[i%len(tenhhCodes)]
		b := gridBox[unit[:15]]
		lon := b[0] + (b[2]-b[0])*(0.05+0.9*rng.Float64())
		lat := b[1] + (b[3]-b[1])*(0.05+0.9*rng.Float64())
		fmt.Fprintf(&households, "h%06d,%s,某路%d号,%d,%.7f,%.7f\n", i, unit, i, 1+i%6, lon, lat)
	}

	// GRIDMAP_IMPORT_LARGE_DIR keeps the files, to time `gridmap import dir` on them.
	if dir := os.Getenv("GRIDMAP_IMPORT_LARGE_DIR"); dir != "" {
		for name, content := range map[string]string{"units.geojson": units, "tenhh.csv": tenhh.String(), "households.csv": households.String()} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var before map[string]int
	for i, step := range []struct {
		kind, content string
		want          postgis.ImportCounts
	}{
		{"units", units, postgis.ImportCounts{Rows: len(feats), Inserted: len(feats)}},
		{"tenhh", tenhh.String(), postgis.ImportCounts{Rows: size.tenhh, Inserted: size.tenhh}},
		{"households", households.String(), postgis.ImportCounts{Rows: size.households, Inserted: size.households}},
		// Again: all unchanged, and nothing stored (no history, no change-log rows).
		{"units", units, postgis.ImportCounts{Rows: len(feats), Unchanged: len(feats)}},
		{"households", households.String(), postgis.ImportCounts{Rows: size.households, Unchanged: size.households}},
	} {
		if i == 3 {
			before = tableCounts(t, db)
		}
		start := time.Now()
		c, err := importWith(db, step.kind, step.content, func(stage string, done, total int) {
			t.Logf("  %s %s %d/%d at %s", step.kind, stage, done, total, time.Since(start).Round(time.Millisecond))
		})
		if err != nil {
			t.Fatalf("%s: %.2000s", step.kind, err)
		}
		t.Logf("%s (%d bytes): %+v in %s", step.kind, len(step.content), c, time.Since(start).Round(time.Millisecond))
		if c != step.want {
			t.Errorf("import %d of %s: %+v, want %+v", i+1, step.kind, c, step.want)
		}
	}
	sameCounts(t, before, tableCounts(t, db))

	// What is stored is what was imported.
	for _, tc := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM units WHERE code LIKE '990120%'`, len(feats)},
		{`SELECT count(*) FROM units WHERE code LIKE '990120%' AND level = 'grid' AND ST_NPoints(geom) = 101`, len(grids)},
		{`SELECT count(*) FROM tenhh_units WHERE grid_code LIKE '990120%'`, size.tenhh},
		{`SELECT count(*) FROM households WHERE unit_code LIKE '990120%'`, size.households},
	} {
		var n int
		if err := pgtest.Pool(t).QueryRow(context.Background(), tc.query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("%s: %d, want %d", tc.query, n, tc.want)
		}
	}
}

// densified is a closed rectangle with n points along its boundary, like a drawn polygon.
func densified(xa, ya, xb, yb float64, n int) [][]float64 {
	side := n / 4
	var ring [][]float64
	corners := [][2]float64{{xa, ya}, {xb, ya}, {xb, yb}, {xa, yb}, {xa, ya}}
	for c := 0; c < 4; c++ {
		a, b := corners[c], corners[c+1]
		for i := 0; i < side; i++ {
			f := float64(i) / float64(side)
			ring = append(ring, []float64{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f})
		}
	}
	return append(ring, []float64{xa, ya})
}
