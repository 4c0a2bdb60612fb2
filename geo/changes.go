package geo

// Changes is one batch of committed changes read from the change log, everything up to
// position Seq. Followers (the resolver index, the tile sets) apply a batch as a whole, so
// readers see either none of it or all of it.
type Changes struct {
	Seq int64

	Units        []Unit   // inserted or updated units, as they now are
	DeletedUnits []string // codes

	// People holds, for each unit code listed, the complete new list of the people answerable
	// for it (empty: nobody any more).
	People map[string][]Responsibility

	Features        []Feature
	DeletedFeatures []string // ids

	Households        []Household
	DeletedHouseholds []string // ids

	TenHH        []TenHHUnit // inserted or updated ten-household units, with their heads now
	DeletedTenHH []string    // codes
}

// Empty reports whether the batch changes nothing (it may still move the position).
func (c *Changes) Empty() bool {
	return len(c.Units) == 0 && len(c.DeletedUnits) == 0 && len(c.People) == 0 &&
		len(c.Features) == 0 && len(c.DeletedFeatures) == 0 &&
		len(c.Households) == 0 && len(c.DeletedHouseholds) == 0 &&
		len(c.TenHH) == 0 && len(c.DeletedTenHH) == 0
}

// ChangeSink is what follows the change log: it reports the position it reflects and applies
// the next batch.
type ChangeSink interface {
	Seq() int64
	Apply(Changes) error
}
