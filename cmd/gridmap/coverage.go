package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/gridmap/gridmap/wire"
)

func init() {
	register("coverage", "check that every unit's children cover it with no gap and no overlap, under a unit", runCoverage)
}

// runCoverage is `gridmap coverage CODE [-geojson FILE]`: the coverage report of CODE's
// subtree, printed for a person; -geojson also writes the findings as the API serves them.
func runCoverage(ctx context.Context, args []string) error {
	fs := newFlags("coverage", "CODE [-geojson out.geojson]")
	out := fs.String("geojson", "", "also write the findings as a GeoJSON FeatureCollection to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) > 1 { // flags after the code
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = append(rest[:1], fs.Args()...)
	}
	if len(rest) != 1 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected one unit code")
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	rep, err := db.CoverageReport(ctx, rest[0])
	if err != nil {
		return err
	}
	printCoverage(os.Stdout, rep, time.Since(start))
	if *out != "" {
		b, err := json.Marshal(wire.CoverageGeoJSON(rep))
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return geo.Errorf(geo.Invalid, "%v", err)
		}
		fmt.Printf("findings written to %s\n", *out)
	}
	return nil
}

// printCoverage writes the summary, the parents that are not clean, and every finding.
func printCoverage(w io.Writer, rep geo.CoverageReport, took time.Duration) {
	s := rep.Summary
	fmt.Fprintf(w, "coverage of %s (%s) and everything under it, in %s\n", rep.Root, rep.Level, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  parents checked %d, clean %d, tiled edge for edge %d\n", s.ParentsChecked, s.ParentsClean, s.ParentsExact)
	fmt.Fprintf(w, "  gaps %s, overlaps %s\n", squareMetres(s.GapArea), squareMetres(s.OverlapArea))
	if len(rep.Findings) == 0 {
		fmt.Fprintf(w, "  no findings\n")
		return
	}
	var kinds []string
	for k, n := range s.Findings {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "  findings: %s\n", strings.Join(kinds, ", "))
	fmt.Fprintf(w, "parents with findings (covered share, gap, overlap, outside, split features):\n")
	with := map[string]bool{}
	for _, f := range rep.Findings {
		with[f.Parent] = true
	}
	for _, p := range rep.Parents {
		if with[p.Code] {
			fmt.Fprintf(w, "  %s %s, %d children: %.4f%%, %s, %s, %s, %d\n", p.Code, p.Level, p.Children,
				100*p.Covered, squareMetres(p.Gap), squareMetres(p.Overlap), squareMetres(p.Outside), p.Split)
		}
	}
	fmt.Fprintf(w, "findings:\n%s", formatFindings(rep.Findings))
}

// formatFindings writes coverage findings one per line, by parent: severity, kind, parent,
// units, feature, area and a point inside the place.
func formatFindings(fs []geo.Finding) string {
	sorted := append([]geo.Finding(nil), fs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Parent < sorted[j].Parent })
	var b strings.Builder
	for _, f := range sorted {
		pt := coverage.PointOn(f.Geom)
		kind := string(f.Kind)
		if f.SliverOf != "" {
			kind += " (" + string(f.SliverOf) + ")"
		}
		fmt.Fprintf(&b, "  %s: %s under %s", f.Severity, kind, f.Parent)
		if len(f.Units) > 0 {
			fmt.Fprintf(&b, ", units %s", strings.Join(f.Units, " "))
		}
		if f.Feature != "" {
			fmt.Fprintf(&b, ", feature %s", f.Feature)
		}
		fmt.Fprintf(&b, ", %s near %.6f,%.6f\n", squareMetres(f.Area), pt[0], pt[1])
	}
	return b.String()
}

// squareMetres writes an area with thousands separators, in km² past a square kilometre.
func squareMetres(m2 float64) string {
	if m2 >= 1e6 {
		return fmt.Sprintf("%.2f km²", m2/1e6)
	}
	s := fmt.Sprintf("%.0f", m2)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " m²"
}
