package ogr

import (
	"context"
	"os"
	"path/filepath"
)

// ExportFile writes collection in format f to a new temporary folder and returns the path of
// the one file to hand out (a Shapefile's parts zipped as name.shp.zip, which GDAL and QGIS
// open as they are) and a cleanup to call when done with it.
func ExportFile(ctx context.Context, collection []byte, f Format, layer, targetSRS string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "gridmap-export-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	out := filepath.Join(dir, layer+f.Extension)
	if f.Driver == "ESRI Shapefile" {
		out += ".zip"
	}
	if err := Export(ctx, collection, out, f, layer, targetSRS); err != nil {
		cleanup()
		return "", nil, err
	}
	return out, cleanup, nil
}
