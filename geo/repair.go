package geo

import (
	"fmt"
	"math"
)

// Repair is one geometry an import mended instead of refusing it (the import's Repair
// option): what was wrong with it and where, and how much area the mending added or took
// away.
type Repair struct {
	Index  int    `json:"index"` // 1-based feature number in the file
	Key    string `json:"key"`   // the unit's code or the feature's id
	Reason string `json:"reason"`
	// Lon, Lat is where the reason was found; HasLocation is false when there is none.
	Lon, Lat    float64 `json:"-"`
	HasLocation bool    `json:"-"`
	// AreaBefore and AreaAfter are in square metres on the spheroid: the area the invalid
	// rings described (a bow-tie's halves cancel out) and the repaired geometry's.
	AreaBefore float64 `json:"area_before_m2"`
	AreaAfter  float64 `json:"area_after_m2"`
}

// AreaChange is the repaired area less the original, in square metres.
func (r Repair) AreaChange() float64 { return r.AreaAfter - r.AreaBefore }

// Describe says what was repaired in one line, with item naming what Index counts
// ("feature").
func (r Repair) Describe(item string) string {
	s := fmt.Sprintf("%s %d (%s): repaired: %s", item, r.Index, r.Key, r.Reason)
	if r.HasLocation {
		s += fmt.Sprintf(" near %.6f,%.6f", r.Lon, r.Lat)
	}
	change := r.AreaChange()
	sign := "+"
	if change < 0 {
		sign = "-"
	}
	return s + fmt.Sprintf("; area %s%s m² (%s → %s m²)", sign, formatArea(math.Abs(change)),
		formatArea(r.AreaBefore), formatArea(r.AreaAfter))
}

// formatArea writes square metres with a precision fit for a report: a few digits.
func formatArea(a float64) string {
	switch {
	case math.Abs(a) >= 100:
		return fmt.Sprintf("%.0f", a)
	case math.Abs(a) >= 1:
		return fmt.Sprintf("%.1f", a)
	}
	return fmt.Sprintf("%.3g", a)
}
