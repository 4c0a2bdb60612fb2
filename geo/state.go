package geo

// State is the domain's data at one change-log position, as loaded from the store: the one
// copy that every follower (the resolver index, the tile sets) is built from and shares.
// Nobody modifies it or the geometry in it once loaded: a follower that applies later
// changes replaces what changed in its own maps (copy on write), and the State stays as it
// was read.
type State struct {
	Seq        int64 // the change-log position the data reflects
	Units      []Unit
	People     []Responsibility
	Features   []Feature
	Households []Household
	TenHH      []TenHH // read with the households
}
