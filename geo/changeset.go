package geo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// A change set is a planner's draft over one parent unit (a village, a town): several edits
// to the units under it, validated together and published at once, or discarded. Until it
// is published nothing of it reaches lookups or public tiles.

// ChangeSetState is where a change set is in its life.
type ChangeSetState string

// The states of a change set: open sets take edits; published and discarded ones are closed.
const (
	ChangeSetOpen      ChangeSetState = "open"
	ChangeSetPublished ChangeSetState = "published"
	ChangeSetDiscarded ChangeSetState = "discarded"
)

// ChangeSet is a draft of edits over the units under Parent.
type ChangeSet struct {
	ID             int64
	Parent         string // the unit whose descendants the set may edit
	Title          string
	State          ChangeSetState
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedBy    string
	PublishedAt    time.Time // zero until published
	DiscardedBy    string
	DiscardedAt    time.Time // zero until discarded
	OverrideReason string    // an administrator's reason for publishing despite coverage errors
	Edits          int       // how many units the set changes (created, replaced or deleted)
}

// EditedUnit is a unit as a change set shows it: the stored unit, or the set's edit of it.
// Unit.Version is the stored version the unit is (or the edit is based on); 0 for a unit
// the set creates.
type EditedUnit struct {
	Unit
	ETag   string // quoted, for the ETag header; changes with every edit of the unit
	Edited bool   // the set changes this unit
	New    bool   // the unit exists only in the set
}

// UnitETag is the ETag of a unit in a change set: the stored version, and the set's revision
// of its edit (0: not edited).
func UnitETag(version, revision int) string {
	switch {
	case revision == 0:
		return fmt.Sprintf(`"v%d"`, version)
	case version == 0:
		return fmt.Sprintf(`"n.r%d"`, revision)
	default:
		return fmt.Sprintf(`"v%d.r%d"`, version, revision)
	}
}

// ETagMatches reports whether an If-Match header's value names etag: "*" matches any
// existing unit (etag not empty), a list matches if one of its entries does; weak
// validators (W/) compare by their tag.
func ETagMatches(ifMatch, etag string) bool {
	if etag == "" {
		return false
	}
	for _, t := range strings.Split(ifMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || strings.Trim(t, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

// StaleUnits is the cause of a publish refused because units changed in the store since
// the set based its edits on them (another set was published first). Nothing was written;
// the set stays open.
type StaleUnits struct {
	Codes []string
}

func (e *StaleUnits) Error() string {
	return "units changed since the change set was based on them: " + strings.Join(e.Codes, ", ")
}

// Publication is what a publish wrote.
type Publication struct {
	ChangeSet  ChangeSet
	Units      []string  // the codes written to the store (created, replaced or deleted)
	Findings   []Finding // the coverage findings at publish time
	Overridden bool      // published despite errors, with the set's OverrideReason
}

// ChangeSets is the store of change sets (postgis.DB implements it). Errors are *Error
// kinds: NotFound for an unknown set, Invalid naming the field for bad input (a unit
// outside the set's parent, a code that breaks the rule or was used before), Conflict for
// a closed set or a stale publish (the cause a *StaleUnits), PreconditionFailed for a stale
// If-Match, Unprocessable for a publish with coverage errors and no override.
type ChangeSets interface {
	OpenChangeSet(ctx context.Context, parent, title, by string) (ChangeSet, error)
	ChangeSet(ctx context.Context, id int64) (ChangeSet, error)
	ChangeSetUnits(ctx context.Context, id int64) ([]EditedUnit, error)
	PutUnit(ctx context.Context, id int64, u Unit, ifMatch string) (EditedUnit, error)
	CreateUnit(ctx context.Context, id int64, u Unit) (EditedUnit, error) // the next free code under u.ParentCode
	DeleteUnit(ctx context.Context, id int64, code, ifMatch string) error
	ValidateChangeSet(ctx context.Context, id int64) ([]Finding, error)
	PublishChangeSet(ctx context.Context, id int64, by, overrideReason string) (Publication, error)
	DiscardChangeSet(ctx context.Context, id int64, by string) error
	// ChangeSetTile draws tile z/x/y of the set's draft (Mapbox Vector Tile, a layer per level).
	ChangeSetTile(ctx context.Context, id int64, z, x, y uint32) ([]byte, error)

	SplitUnit(ctx context.Context, id int64, code string, line orb.LineString, newName string) ([]EditedUnit, error)
	MergeUnits(ctx context.Context, id int64, keep, other string) ([]EditedUnit, error)
	MoveBoundary(ctx context.Context, id int64, a, b string, line orb.LineString) ([]EditedUnit, error)
	MoveArea(ctx context.Context, id int64, from, to string, area orb.Polygon) ([]EditedUnit, error)
	CreateFromGap(ctx context.Context, id int64, parent string, at orb.Point, level Level, name string) (EditedUnit, error)
}
