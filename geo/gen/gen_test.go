package gen

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

const sampleDir = "../../data/sample/"

func readSample(county string) (code, name string, mp orb.MultiPolygon, divs []Division, err error) {
	f, err := os.Open(sampleDir + county + "-county.geojson")
	if err != nil {
		return
	}
	defer f.Close()
	if code, name, mp, err = ReadOutline(f); err != nil {
		return
	}
	g, err := os.Open(sampleDir + county + "-divisions.csv")
	if err != nil {
		return
	}
	defer g.Close()
	divs, err = ReadDivisionsCSV(g)
	return
}

func loadSample(t testing.TB, county string) (string, string, orb.MultiPolygon, []Division) {
	t.Helper()
	code, name, mp, divs, err := readSample(county)
	if err != nil {
		t.Fatal(err)
	}
	return code, name, mp, divs
}

func generate(t testing.TB, county string, opt Options) *County {
	t.Helper()
	code, name, mp, divs := loadSample(t, county)
	c, err := Generate(code, name, mp, divs, opt)
	if err != nil {
		t.Fatalf("Generate %s: %v", county, err)
	}
	return c
}

// fullScale is 水城区 at the default, full scale (181,300 households), generated once for
// all the tests that look at it.
var fullScale = sync.OnceValues(func() (*County, error) {
	code, name, mp, divs, err := readSample("520204")
	if err != nil {
		return nil, err
	}
	return Generate(code, name, mp, divs, Options{Seed: 1, Households: 181300})
})

func shuicheng(t *testing.T) *County {
	t.Helper()
	c, err := fullScale()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fileBytes returns the bytes of the county's files, by name.
func fileBytes(t *testing.T, c *County) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range c.Files() {
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b.Bytes()
	}
	return out
}

func TestDeterministic(t *testing.T) {
	small := Options{Seed: 1, GridsPerVillage: 3, Households: 4000}
	a := fileBytes(t, generate(t, "520204", small))
	b := fileBytes(t, generate(t, "520204", small))
	for n := range a {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s differs between two runs with the same seed", n)
		}
		if len(a[n]) < 100 {
			t.Errorf("%s is nearly empty", n)
		}
	}
	small.Seed = 2
	c := fileBytes(t, generate(t, "520204", small))
	for _, n := range []string{UnitsFile, FeaturesFile, HouseholdsFile} {
		if bytes.Equal(a[n], c[n]) {
			t.Errorf("%s is the same for seeds 1 and 2", n)
		}
	}
}

func TestCountsFullScale(t *testing.T) {
	c := shuicheng(t)
	grids := c.CountLevel(geo.Grid)
	checks := []struct {
		what      string
		got, want int
		tolerance float64
	}{
		{"towns", c.CountLevel(geo.Town), 30, 0},
		{"villages", c.CountLevel(geo.Village), 189, 0},
		{"grids", grids, 12 * 189, 0.01},
		{"ten-household units", len(c.TenHH), 15997, 0},
		{"households", len(c.Households), 181300, 0},
		{"people", len(c.People), 1 + 30 + 189 + 2*grids + 15997, 0},
		{"courtyards", c.Count(geo.Courtyard), 8 * grids, 0.25},
		{"relocation sites", c.Count(geo.RelocationSite), 70, 0.5},
		{"valleys", c.Count(geo.Valley), 8, 0.5},
		{"roads", c.Count(geo.Road), 35, 0.5},
	}
	for _, ch := range checks {
		lo, hi := float64(ch.want)*(1-ch.tolerance), float64(ch.want)*(1+ch.tolerance)
		if float64(ch.got) < lo || float64(ch.got) > hi {
			t.Errorf("%s: %d, want %d ± %.0f%%", ch.what, ch.got, ch.want, 100*ch.tolerance)
		}
	}
	if c.PixelDeg != DefaultPixelDeg {
		t.Errorf("pixel %g, want the default %g", c.PixelDeg, DefaultPixelDeg)
	}
}

// TestRealCodesAndNames: the towns and villages are exactly the CSV's, the grids extend
// their village's code by 001, 002, ..., and every generated unit says so.
func TestRealCodesAndNames(t *testing.T) {
	c := shuicheng(t)
	_, _, _, divs := loadSample(t, "520204")
	want := map[string]Division{}
	for _, d := range divs {
		if d.Level != "county" {
			want[d.Code] = d
		}
	}
	next := map[string]int{} // village code → next grid number
	dedicated := 0
	for _, u := range c.Units {
		if err := geo.CheckCode(u.Level, u.Code, u.ParentCode); err != nil {
			t.Errorf("unit %s: %v", u.Code, err)
		}
		switch u.Level {
		case geo.County:
			if u.Code != "520204" || u.Name != "水城区" {
				t.Errorf("county %s %s", u.Code, u.Name)
			}
			continue
		case geo.Town, geo.Village:
			d, ok := want[u.Code]
			if !ok || d.Name != u.Name || d.Level != string(u.Level) || d.ParentCode != u.ParentCode {
				t.Errorf("%s %s %s (parent %s) is not in the CSV as such", u.Level, u.Code, u.Name, u.ParentCode)
			}
			delete(want, u.Code)
		case geo.Grid:
			next[u.ParentCode]++
			if got, w := u.Code[12:], threeDigits(next[u.ParentCode]); got != w {
				t.Errorf("grid %s: number %s, want %s (consecutive)", u.Code, got, w)
			}
			switch u.Attrs["kind"] {
			case "basic":
				if !strings.Contains(u.Name, "第") || !strings.HasSuffix(u.Name, "网格") {
					t.Errorf("grid %s name %q", u.Code, u.Name)
				}
			case "dedicated":
				dedicated++
			default:
				t.Errorf("grid %s kind %v", u.Code, u.Attrs["kind"])
			}
		}
		if u.Attrs["generated"] != true {
			t.Errorf("%s %s lacks generated: true", u.Level, u.Code)
		}
	}
	if len(want) > 0 {
		t.Errorf("%d towns/villages of the CSV are missing", len(want))
	}
	if dedicated == 0 || dedicated > 20 {
		t.Errorf("%d dedicated grids, want a few", dedicated)
	}
}

func threeDigits(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestPeopleAndHouseholds(t *testing.T) {
	c := shuicheng(t)
	units := map[string]geo.Level{}
	for _, u := range c.Units {
		units[u.Code] = u.Level
	}
	tenhh := map[string]bool{}
	for _, u := range c.TenHH {
		if len(u.Code) != 18 || u.Code[:15] != u.GridCode || units[u.GridCode] != geo.Grid || tenhh[u.Code] {
			t.Fatalf("ten-household unit %+v", u)
		}
		tenhh[u.Code] = true
	}
	roles := map[geo.Role]int{}
	phones, ids := map[string]bool{}, map[string]bool{}
	for _, p := range c.People {
		roles[p.Role]++
		lvl, known := geo.RoleLevel[p.Role]
		ok := known && (lvl == "" && tenhh[p.UnitCode] || lvl != "" && units[p.UnitCode] == lvl)
		if !ok || phones[p.Phone] || ids[p.PersonID] || len(p.Phone) != 11 || !strings.HasPrefix(p.Phone, "1990") || len([]rune(p.Name)) < 2 {
			t.Fatalf("person %+v", p)
		}
		phones[p.Phone], ids[p.PersonID] = true, true
	}
	grids := c.CountLevel(geo.Grid)
	for role, n := range map[geo.Role]int{geo.CountySecretary: 1, geo.TownDirector: 30, geo.VillageSecretary: 189,
		geo.GridHead: grids, geo.GridWorker: grids, geo.UnitHead: len(c.TenHH)} {
		if roles[role] != n {
			t.Errorf("%d %s, want %d", roles[role], role, n)
		}
	}
	hh := map[string]bool{}
	perUnit := map[string]int{}
	for _, h := range c.Households {
		if hh[h.ID] || !tenhh[h.UnitCode] || h.Members < 1 || h.Members > 8 || !strings.Contains(h.Address, "网格") {
			t.Fatalf("household %+v", h)
		}
		hh[h.ID] = true
		perUnit[h.UnitCode]++
	}
	for u := range tenhh {
		if n := perUnit[u]; n < 1 || n > 30 {
			t.Errorf("unit %s has %d households", u, n)
		}
	}
}

func TestShangnan(t *testing.T) {
	c := generate(t, "611023", Options{Seed: 3, GridsPerVillage: 4, Households: 3000})
	if c.CountLevel(geo.Town) != 10 || c.CountLevel(geo.Village) != 128 {
		t.Errorf("%d towns, %d villages", c.CountLevel(geo.Town), c.CountLevel(geo.Village))
	}
	checkExact(t, c)
	checkPartition(t, c, 800)
	checkPlacement(t, c)
}
