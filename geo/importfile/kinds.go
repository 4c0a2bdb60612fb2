package importfile

// Kind is one kind of import file: Name is its word on the command line (`gridmap import
// NAME FILE`), File its name in an import directory (docs/formats.md). Each kind has its
// reader in this package (ReadUnits for Units...) and its importer in postgis.
type Kind struct {
	Name string
	File string
}

// The kinds of import file.
var (
	Divisions  = Kind{"divisions", "divisions.csv"}
	Units      = Kind{"units", "units.geojson"}
	Features   = Kind{"features", "features.geojson"}
	TenHH      = Kind{"tenhh", "tenhh.csv"}
	People     = Kind{"people", "people.csv"}
	Households = Kind{"households", "households.csv"}
)

// Kinds lists every kind in the order `gridmap import dir` loads them: each file refers only
// to what the files before it load (a unit to its parent, a feature to its county, a
// ten-household unit to its grid, a person to a unit, a household to its ten-household
// unit). Code that loads several files goes through this list, so the order lives here only.
var Kinds = []Kind{Divisions, Units, Features, TenHH, People, Households}

// KindNamed returns the kind called name, and false when there is none.
func KindNamed(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}
