package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/paulmach/orb"
)

func init() {
	register("generate", "generate a sample county (made-up grids, features, households, people) inside a real outline", runGenerate)
}

func runGenerate(ctx context.Context, args []string) error {
	fs := newFlags("generate", "-county FILE -divisions FILE -out DIR [flags]")
	county := fs.String("county", "", "the county's real outline: GeoJSON with one (Multi)Polygon feature with code and name (required)")
	divisions := fs.String("divisions", "", "the county's real towns and villages: CSV code,name,level,parent_code (required)")
	out := fs.String("out", "", "directory to write units.geojson, features.geojson, tenhh.csv, people.csv, households.csv (required)")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	grids := fs.Float64("grids-per-village", gen.DefaultGridsPerVillage, "average number of grids per village (1-999)")
	households := fs.Int("households", 181300, "number of households (one ten-household unit per about 11.3)")
	pixel := fs.Float64("pixel", 0, "pixel side in degrees, a power of two such as 0.000244140625 (1/4096); 0 chooses one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return geo.Errorf(geo.Invalid, "%v", err) // a usage error: exit status 2
	}
	if fs.NArg() > 0 {
		return geo.Errorf(geo.Invalid, "unexpected argument %q: generate takes flags only", fs.Arg(0))
	}
	for _, f := range []struct{ name, val string }{{"county", *county}, {"divisions", *divisions}, {"out", *out}} {
		if f.val == "" {
			return geo.FieldError("-"+f.name, "is required (see gridmap generate --help)")
		}
	}
	start := time.Now()
	stage, stageStart := "", start
	progress := func(s string) {
		now := time.Now()
		if stage != "" {
			fmt.Fprintf(os.Stderr, "  %-11s %6.2fs\n", stage, now.Sub(stageStart).Seconds())
		}
		stage, stageStart = s, now
	}
	code, name, outline, err := readOutline(*county)
	if err != nil {
		return err
	}
	divs, err := readDivisions(*divisions)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	fmt.Fprintf(os.Stderr, "generating %s %s (seed %d)\n", code, name, *seed)
	c, err := gen.Generate(code, name, outline, divs, gen.Options{
		Seed: *seed, GridsPerVillage: *grids, Households: *households, PixelDeg: *pixel, Progress: progress,
	})
	if err != nil {
		return err
	}
	progress("write")
	if err := genfiles.WriteDir(c, *out); err != nil {
		return err
	}
	progress("")
	fmt.Fprintf(os.Stderr, "%s %s: pixel %g° (1/%.0f)\n", c.Code, c.Name, c.PixelDeg, 1/c.PixelDeg)
	if c.RealOutline {
		fmt.Fprintf(os.Stderr, "  the county is the outline itself: %d units along it cut by it\n", c.CutUnits)
	} else {
		fmt.Fprintf(os.Stderr, "  the outline is not OGC-valid, so the county is its rasterized form (a staircase): repair it first (gridmap import -repair, or ST_MakeValid)\n")
	}
	for _, f := range c.CutFailures {
		fmt.Fprintf(os.Stderr, "  warning: could not cut %s; it keeps its uncut polygon\n", f)
	}
	fmt.Fprintf(os.Stderr, "  towns %d, villages %d, grids %d\n", c.CountLevel(geo.Town), c.CountLevel(geo.Village), c.CountLevel(geo.Grid))
	fmt.Fprintf(os.Stderr, "  courtyards %d, relocation sites %d, valleys %d, roads %d\n",
		c.Count(geo.Courtyard), c.Count(geo.RelocationSite), c.Count(geo.Valley), c.Count(geo.Road))
	fmt.Fprintf(os.Stderr, "  ten-household units %d, households %d, people %d\n", len(c.TenHH), len(c.Households), len(c.People))
	fmt.Fprintf(os.Stderr, "wrote %s in %.2fs\n", *out, time.Since(start).Seconds())
	return nil
}

func readOutline(path string) (code, name string, mp orb.MultiPolygon, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", nil, geo.FieldError("-county", "%v", err)
	}
	defer f.Close()
	return gen.ReadOutline(f)
}

func readDivisions(path string) ([]gen.Division, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, geo.FieldError("-divisions", "%v", err)
	}
	defer f.Close()
	return gen.ReadDivisionsCSV(f)
}
