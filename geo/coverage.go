package geo

import "github.com/paulmach/orb"

// The coverage rule (横向到边、纵向到底): a parent's children cover it with no gap and no
// overlap, and none reaches outside it. A Finding is one place where a set of children
// breaks the rule, or a warning a planner should look at.

// FindingKind names what is wrong at a finding's place.
type FindingKind string

// The kinds of findings.
const (
	Gap           FindingKind = "gap"            // part of the parent no child covers
	Overlap       FindingKind = "overlap"        // part covered by two siblings
	OutsideParent FindingKind = "outside_parent" // part of a child outside its parent
	SplitFeature  FindingKind = "split_feature"  // a courtyard, site, compound or enterprise cut by a grid edge
	InvalidShape  FindingKind = "invalid"        // a child's boundary is not a valid polygon
	Sliver        FindingKind = "sliver"         // a gap or overlap thinner than the tolerance
	// HouseholdsOutside: households of a grid's ten-household units that an edit leaves in
	// another grid (or in none). Their units' codes extend the old grid's, so their chains
	// still answer it while a lookup at their place answers the new one; a warning, since
	// only moving the units (new codes) mends it, after the boundaries are published.
	HouseholdsOutside FindingKind = "households_outside"
)

// Severity tells whether a finding blocks a publish (error) or is shown only (warning).
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one breach of the coverage rule, or a warning, at one place.
type Finding struct {
	Kind     FindingKind
	Severity Severity
	Parent   string   // the parent whose children are checked
	Units    []string // the units involved: both siblings of an overlap, the child outside, ...
	Feature  string   // the reference feature of a split_feature
	Area     float64  // square metres on the spheroid
	Geom     orb.Geometry
	Message  string
	// SliverOf is, for a sliver, what it would be were it wider (gap, overlap or
	// outside_parent); empty for other kinds.
	SliverOf FindingKind
}

// DefaultTolerance is how far apart, in metres, two boundaries may be and still count as
// one: slivers thinner than this are snapped away, not reported as errors.
const DefaultTolerance = 0.5

// Candidate is a unit's boundary as an edit would leave it, checked before it is stored.
type Candidate struct {
	Code string
	Geom orb.MultiPolygon
	// Level is the unit's level. Only grids are checked for reference features they cut
	// (split_feature), so a child must say it is a grid for that check to run: the code
	// cannot tell, since a 15-digit code is a group or a grid under a village. Empty: the
	// split-feature check is skipped for this child.
	Level Level
}

// HasErrors reports whether any finding blocks a publish.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}
