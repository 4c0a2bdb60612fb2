package geo

import "context"

// CoverageReport is the coverage rule checked over a unit's subtree: every unit in it that
// has children (the unit itself, its towns, villages, groups) is a parent whose children are
// checked against it.
type CoverageReport struct {
	Root     string           // the unit asked for
	Level    Level            // its level
	Parents  []ParentCoverage // one per parent checked, by code
	Findings []Finding        // every finding, by parent, then kind
	Summary  CoverageSummary
}

// ParentCoverage is how one parent's children cover it.
type ParentCoverage struct {
	Code     string
	Level    Level
	Children int     // children with a boundary
	Area     float64 // the parent's area, m² on the spheroid
	Covered  float64 // the share of the parent its children cover, 0 to 1
	Gap      float64 // m² of the parent no child covers (slivers included)
	Overlap  float64 // m² covered twice (slivers included)
	Outside  float64 // m² of children outside the parent
	Split    int     // reference features cut by the edges of its grids
	// Exact is true when the children tile the parent edge for edge (geo/coverage), so no
	// overlay was needed.
	Exact bool
}

// CoverageSummary adds up a report.
type CoverageSummary struct {
	ParentsChecked int
	ParentsClean   int // parents with no error finding
	ParentsExact   int // parents whose children tile them edge for edge
	Findings       map[FindingKind]int
	GapArea        float64 // m², slivers included
	OverlapArea    float64 // m², slivers included
}

// CoverageReporter builds coverage reports. It returns a NotFound error naming the code when
// no unit has it.
type CoverageReporter interface {
	CoverageReport(ctx context.Context, code string) (CoverageReport, error)
}

// Summarize fills r.Summary from r.Parents and r.Findings.
func (r *CoverageReport) Summarize() {
	s := CoverageSummary{Findings: map[FindingKind]int{}}
	bad := map[string]bool{}
	for _, f := range r.Findings {
		s.Findings[f.Kind]++
		if f.Severity == SeverityError {
			bad[f.Parent] = true
		}
	}
	for _, p := range r.Parents {
		s.ParentsChecked++
		if !bad[p.Code] {
			s.ParentsClean++
		}
		if p.Exact {
			s.ParentsExact++
		}
		s.GapArea += p.Gap
		s.OverlapArea += p.Overlap
	}
	r.Summary = s
}
