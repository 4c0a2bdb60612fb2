package ogr

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// Format is a file format gridmap exports to, with the GDAL driver that writes it.
type Format struct {
	Name      string   // as given to -f
	Driver    string   // GDAL's driver name
	Extension string   // the file name's ending
	Options   []string // layer creation options gridmap always sets
}

// Formats are the export formats. Shapefiles get a .cpg saying UTF-8, so desktop tools read
// Chinese names right, and a .prj; CSV carries the geometry as WKT.
var Formats = []Format{
	{"gpkg", "GPKG", ".gpkg", nil},
	{"shp", "ESRI Shapefile", ".shp", []string{"-lco", "ENCODING=UTF-8"}},
	{"geojson", "GeoJSON", ".geojson", nil},
	{"kml", "KML", ".kml", nil},
	{"csv", "CSV", ".csv", []string{"-lco", "GEOMETRY=AS_WKT"}},
	{"fgb", "FlatGeobuf", ".fgb", nil},
}

// FormatFor finds a format by name, or by the output file's ending when name is "".
func FormatFor(name, out string) (Format, error) {
	var names []string
	for _, f := range Formats {
		if name == f.Name || name == "" && strings.EqualFold(filepath.Ext(out), f.Extension) {
			return f, nil
		}
		names = append(names, f.Name)
	}
	if name == "" {
		return Format{}, geo.FieldError("-f", "cannot tell the format from %q: give -f (%s)", filepath.Base(out), strings.Join(names, ", "))
	}
	return Format{}, geo.FieldError("-f", "unknown format %q (%s)", name, strings.Join(names, ", "))
}

// Export writes a GeoJSON FeatureCollection (longitude/latitude) to out in format f as layer
// name, transformed to targetSRS when one is given (e.g. EPSG:4544).
func Export(ctx context.Context, collection []byte, out string, f Format, layer, targetSRS string) error {
	tmp, err := os.CreateTemp("", "gridmap-export-*.geojson")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(collection); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
		return err
	}
	if targetSRS == "" {
		targetSRS = "EPSG:4326"
	}
	args := []string{"-f", f.Driver, out, tmp.Name(), "-nln", layer, "-s_srs", "EPSG:4326", "-t_srs", targetSRS}
	args = append(args, f.Options...)
	_, err = run(ctx, nil, "ogr2ogr", args...)
	return err
}
