package bench

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gridmap/gridmap/geo"
)

var (
	coverageCode     *string
	coverageRuns     *int
	coverageBaseline *bool
)

func init() {
	benchSections = append(benchSections, benchSection{Name: "coverage", Order: 50,
		Summary: "coverage report of a whole county: edge prefilter in Go plus overlay where needed, against the plain PostGIS overlay of every parent",
		Flags: func(fs *flag.FlagSet) {
			coverageCode = fs.String("coverage-code", "", "unit whose subtree the coverage bench reports on (default: the first county)")
			coverageRuns = fs.Int("coverage-runs", 2, "reports timed with the prefilter (the fastest is shown); the baseline runs once")
			coverageBaseline = fs.Bool("coverage-baseline", true, "also time the plain PostGIS overlay of every parent (10 minutes on the 100,000-grid province)")
		},
		Run: benchCoverage})
}

// benchCoverage times DB.CoverageReport for a county (the edge prefilter settles the
// parents whose children tile them edge for edge, PostGIS overlays the rest, plus the
// split-feature query) against DB.CoverageReportOverlay, which overlays every parent in
// PostGIS, and checks that both find the same.
func benchCoverage(ctx context.Context, b *benchRun) ([]benchRow, error) {
	code := *coverageCode
	if code == "" {
		var err error
		if code, err = b.Base.FirstCounty(ctx); err != nil {
			return nil, err
		}
	}
	var fast geo.CoverageReport
	best := time.Duration(0)
	for i := 0; i < max(1, *coverageRuns); i++ {
		start := time.Now()
		rep, err := b.DB.CoverageReport(ctx, code)
		if err != nil {
			return nil, err
		}
		if took := time.Since(start); best == 0 || took < best {
			best = took
		}
		fast = rep
	}
	grids := 0
	for _, p := range fast.Parents {
		if p.Level == geo.Village || p.Level == geo.Group {
			grids += p.Children
		}
	}
	s := fast.Summary
	rows := []benchRow{
		{"unit", fmt.Sprintf("%s (%s): %d parents, %d units under villages and groups", code, fast.Level, s.ParentsChecked, grids)},
		{"report: edge prefilter + overlay + split features", fmt.Sprintf("%s (fastest of %d); %d of %d parents tiled edge for edge; %d clean; findings %v",
			best.Round(time.Millisecond), max(1, *coverageRuns), s.ParentsExact, s.ParentsChecked, s.ParentsClean, s.Findings)},
	}
	if !*coverageBaseline {
		return rows, nil
	}
	start := time.Now()
	plain, err := b.DB.CoverageReportOverlay(ctx, code)
	if err != nil {
		return nil, err
	}
	plainTook := time.Since(start)
	ps := plain.Summary
	agree := s.ParentsChecked == ps.ParentsChecked && s.ParentsClean == ps.ParentsClean &&
		len(fast.Findings) == len(plain.Findings) && fmt.Sprint(s.Findings) == fmt.Sprint(ps.Findings)
	return append(rows,
		benchRow{"baseline: PostGIS overlay of every parent + split features", fmt.Sprintf("%s (%.1f× the prefilter's time)",
			plainTook.Round(time.Millisecond), plainTook.Seconds()/best.Seconds())},
		benchRow{"both find the same", fmt.Sprintf("%v (gaps %.0f / %.0f m², overlaps %.0f / %.0f m²)", agree, s.GapArea, ps.GapArea, s.OverlapArea, ps.OverlapArea)},
	), nil
}
