package geo

import (
	"context"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Shanghai is the zone a bare date of an as-of query is read in: the counties gridmap
// serves keep China Standard Time, which has had no daylight saving since 1991, so a fixed
// offset is exact and needs no time zone database on the server.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// ParseAt reads the at= of an as-of query: a date (YYYY-MM-DD, the start of that day in
// Asia/Shanghai) or an RFC 3339 timestamp. A time after now is now (the map cannot be
// read ahead). A '+' of an offset that arrived unescaped in a query string reads as a
// space, and is taken back as '+'. A bad value is an Invalid error naming the field "at".
func ParseAt(text string, now time.Time) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, FieldError("at", "a date (YYYY-MM-DD, Asia/Shanghai) or an RFC 3339 timestamp is required")
	}
	var t time.Time
	var err error
	if len(text) == len("2006-01-02") {
		t, err = time.ParseInLocation(time.DateOnly, text, Shanghai)
	} else {
		t, err = time.Parse(time.RFC3339Nano, strings.Replace(text, " ", "+", 1))
	}
	if err != nil {
		return time.Time{}, FieldError("at", "%q is not a date (YYYY-MM-DD, Asia/Shanghai) or an RFC 3339 timestamp (2026-11-30T08:00:00+08:00)", text)
	}
	if t.After(now) {
		t = now
	}
	return t, nil
}

// UnitVersion is one version of a unit, as unit history lists it: valid from ValidFrom up
// to ValidTo (nil: the current version). Deleted marks the last version of a unit that was
// removed at ValidTo. Geom is nil when it was not asked for, or for a unit without a
// boundary.
type UnitVersion struct {
	Code       string
	Version    int
	Level      Level
	Name       string
	ParentCode string
	AreaM2     float64
	ValidFrom  time.Time
	ValidTo    *time.Time
	Deleted    bool
	Geom       orb.MultiPolygon
}

// History answers questions about the map as it stood at an earlier time, from the current
// units and their earlier versions. Only units (boundaries, names, parents) have versions:
// the people answerable and the households are read as they are now.
type History interface {
	// ResolveAt is Resolver.Resolve as the units stood at time at.
	ResolveAt(ctx context.Context, lon, lat float64, at time.Time) (Chain, error)
	// HouseholdChainAt is HouseholdFinder.HouseholdChain with the chain of the household's
	// grid as the units stood at time at.
	HouseholdChainAt(ctx context.Context, id string, at time.Time) (HouseholdChain, error)
	// UnitHistory lists every version of a unit, oldest first, with geometry when asked;
	// a NotFound error for a code that never existed.
	UnitHistory(ctx context.Context, code string, geometry bool) ([]UnitVersion, error)
}
