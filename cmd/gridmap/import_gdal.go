package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/ogr"
)

// gdalFlags are import's options for files GDAL reads: every vector format but gridmap's own
// GeoJSON/CSV, and GeoJSON in another CRS.
type gdalFlags struct {
	srs, encoding, mapping, layer *string
	dryRun                        *bool
}

func (g *gdalFlags) register(fs *flag.FlagSet) {
	g.srs = fs.String("s_srs", "", "the file's coordinate system when it names none or a wrong one, e.g. EPSG:4544 (read with GDAL)")
	g.mapping = fs.String("map", "", "field names of the file for gridmap's properties, e.g. code=BM,name=MC,level=JB,parent_code=SJBM")
	g.layer = fs.String("layer", "", "the layer to read from a file with several (a GeoPackage)")
	g.dryRun = fs.Bool("dry-run", false, "read and convert the file, print what would load, store nothing")
}

// ownFormat reports whether gridmap reads path itself (its GeoJSON and CSV files).
func ownFormat(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json", ".csv":
		return true
	}
	return path == "-"
}

// viaGDAL reports whether the file goes through GDAL: a format gridmap does not read itself,
// or any of the options only GDAL honours.
func (g *gdalFlags) viaGDAL(path string) bool {
	return !ownFormat(path) || *g.srs != "" || *g.mapping != "" || *g.layer != ""
}

// convert turns the file into the GeoJSON gridmap's importer reads, with GDAL. nearLon is
// the stored data's longitude (0: unknown), for naming the zone of a file without a CRS.
func (g *gdalFlags) convert(ctx context.Context, kind importfile.Kind, path string, nearLon float64) (io.Reader, error) {
	if !strings.HasSuffix(kind.File, ".geojson") {
		return nil, geo.Errorf(geo.Invalid, "%s files are CSV tables: GDAL formats, -s_srs, -map and -layer are for units and features", kind.Name)
	}
	m, err := ogr.ParseMap(*g.mapping)
	if err != nil {
		return nil, err
	}
	out, err := ogr.ToGeoJSON(ctx, path, ogr.Options{SourceSRS: *g.srs, Encoding: *g.encoding, Map: m, Layer: *g.layer, NearLon: nearLon})
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(out), nil
}

// printDryRun shows what an import would load: how many features, their levels or layers,
// the box they span after conversion, and the first few as gridmap reads them.
func printDryRun(w io.Writer, name string, r io.Reader) error {
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	counts := map[string]int{}
	for _, f := range fc.Features {
		k := fmt.Sprint(f.Properties["level"])
		if l, ok := f.Properties["layer"]; ok {
			k = fmt.Sprint(l)
		}
		counts[k]++
	}
	fmt.Fprintf(w, "%s: %d features would load (dry run: nothing stored, no database checks)\n", name, len(fc.Features))
	for k, n := range counts {
		fmt.Fprintf(w, "  %s: %d\n", k, n)
	}
	for i, f := range fc.Features {
		if i == 5 {
			fmt.Fprintf(w, "  ...\n")
			break
		}
		gt := "no geometry"
		if f.Geometry != nil {
			gt = f.Geometry.Type
		}
		fmt.Fprintf(w, "  code=%v name=%v level=%v parent_code=%v (%s)\n",
			f.Properties["code"], f.Properties["name"], f.Properties["level"], f.Properties["parent_code"], gt)
	}
	return nil
}

// openInput opens the file to import: stdin for "-", else the file itself.
func openInput(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, geo.Errorf(geo.Invalid, "%v", err)
	}
	return f, nil
}
