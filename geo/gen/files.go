package gen

import (
	"fmt"
	"os"
)

// GenerateFromFiles reads a county outline (GeoJSON) and its divisions (CSV) from files and
// generates the county: what `gridmap generate`, the tests and the benchmarks all start from.
func GenerateFromFiles(outlinePath, divisionsPath string, opt Options) (*County, error) {
	f, err := os.Open(outlinePath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	code, name, mp, err := ReadOutline(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", outlinePath, err)
	}
	d, err := os.Open(divisionsPath)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	divs, err := ReadDivisionsCSV(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", divisionsPath, err)
	}
	return Generate(code, name, mp, divs, opt)
}
