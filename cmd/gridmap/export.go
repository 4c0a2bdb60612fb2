package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/ogr"
)

func init() {
	register("export", "write a level or a reference layer to GeoPackage, Shapefile, GeoJSON, KML, CSV or FlatGeobuf (with GDAL)", runExport)
}

func runExport(ctx context.Context, args []string) error {
	fs := newFlags("export", "[-f gpkg|shp|geojson|kml|csv|fgb] [-t_srs EPSG:4544] [-under CODE] LEVEL|LAYER OUT")
	format := fs.String("f", "", "output format (default: from OUT's ending)")
	srs := fs.String("t_srs", "", "coordinate system to write, e.g. EPSG:4544 (default: longitude/latitude, EPSG:4326)")
	under := fs.String("under", "", "only units whose code starts with this (features: of its county)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected a level or layer and an output file")
	}
	name, out := fs.Arg(0), fs.Arg(1)
	f, err := ogr.FormatFor(*format, out)
	if err != nil {
		return err
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	fc, n, err := db.ExportCollection(ctx, name, *under)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(os.Stderr, "%s: nothing to export; writing an empty file\n", name)
	}
	if err := ogr.Export(ctx, fc, out, f, name, *srs); err != nil {
		return err
	}
	fmt.Printf("%s: %d %s written to %s (%s)\n", out, n, name, f.Driver, time.Since(start).Round(time.Millisecond))
	return nil
}
