// Package genfiles is the file side of the generated sample county (package geo/gen computes
// it and does no I/O): it reads a county's outline and divisions from files, and writes a
// generated county into a directory. `gridmap generate`, the tests and the benchmarks all
// start from here.
package genfiles

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gridmap/gridmap/geo/gen"
)

// Generate reads a county outline (GeoJSON) and its divisions (CSV) from files and generates
// the county.
func Generate(outlinePath, divisionsPath string, opt gen.Options) (*gen.County, error) {
	f, err := os.Open(outlinePath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	code, name, mp, err := gen.ReadOutline(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", outlinePath, err)
	}
	d, err := os.Open(divisionsPath)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	divs, err := gen.ReadDivisionsCSV(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", divisionsPath, err)
	}
	return gen.Generate(code, name, mp, divs, opt)
}

// WriteDir writes the county's files (see gen.County.Files) into dir, creating it if needed.
func WriteDir(c *gen.County, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range c.Files() {
		if err := writeFile(filepath.Join(dir, f.Name), f.Write); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
