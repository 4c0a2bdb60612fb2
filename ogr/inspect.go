// Package ogr runs GDAL's command-line tools (ogrinfo and ogr2ogr, from Debian's gdal-bin) for
// the vector formats and coordinate systems gridmap does not read itself: Shapefile with its
// .dbf/.cpg/.prj, GeoPackage, KML/KMZ, DXF, FlatGeobuf, and GeoJSON in a projected CRS. GDAL
// and PROJ are the real components here; gridmap has no format or projection code of its own,
// it only turns their output into the GeoJSON its importer reads, and its data into their
// input for exports.
package ogr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// Layer is what ogrinfo says about one layer of a file.
type Layer struct {
	Name     string
	Geometry string
	Features int
	// Extent is minx, miny, maxx, maxy in the layer's own coordinates.
	Extent    [4]float64
	HasExtent bool
	// SRS is the first line of the layer's CRS as WKT ("" when the file names none).
	SRS    string
	Fields []string
	// Encoding is the attribute encoding GDAL found (a .cpg, or a .dbf's language byte), and
	// EncodingFromCPG whether a .cpg said so; only Shapefiles and DBF files have either.
	Encoding        string
	EncodingFromCPG bool
}

// Available reports whether GDAL's tools are installed.
func Available() bool {
	_, err := exec.LookPath("ogr2ogr")
	return err == nil
}

// Inspect lists the layers of the file at path.
func Inspect(ctx context.Context, path string) ([]Layer, error) {
	out, err := run(ctx, nil, "ogrinfo", "-ro", "-so", "-al", "-mdd", "all", path)
	if err != nil {
		return nil, err
	}
	return parseInfo(out)
}

// parseInfo reads `ogrinfo -so -al -mdd all` output (GDAL 3.6 has no JSON output yet).
func parseInfo(out []byte) ([]Layer, error) {
	var layers []Layer
	var cur *Layer
	inSRS := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Layer name: "); ok {
			layers = append(layers, Layer{Name: v})
			cur = &layers[len(layers)-1]
			inSRS = false
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case line == "Layer SRS WKT:":
			inSRS = true
		case inSRS:
			// The WKT runs over many indented lines; its first line names it.
			if cur.SRS == "" && line != "(unknown)" {
				cur.SRS = strings.TrimSpace(line)
			}
			if line == "(unknown)" || strings.HasPrefix(line, "Data axis to CRS axis mapping") {
				inSRS = false
			}
		case strings.HasPrefix(line, "Geometry: "):
			cur.Geometry = strings.TrimPrefix(line, "Geometry: ")
		case strings.HasPrefix(line, "Feature Count: "):
			cur.Features, _ = strconv.Atoi(strings.TrimPrefix(line, "Feature Count: "))
		case strings.HasPrefix(line, "Extent: "):
			cur.Extent, cur.HasExtent = parseExtent(strings.TrimPrefix(line, "Extent: "))
		case strings.HasPrefix(line, "  SOURCE_ENCODING="):
			cur.Encoding = strings.TrimPrefix(line, "  SOURCE_ENCODING=")
		case strings.HasPrefix(line, "  ENCODING_FROM_CPG="):
			cur.EncodingFromCPG = true
		case !strings.HasPrefix(line, " ") && strings.Contains(line, ": ") && !strings.HasPrefix(line, "Metadata") && !strings.HasPrefix(line, "FID Column") && !strings.HasPrefix(line, "Geometry Column"):
			// A field: "NAME: String (80.0)".
			cur.Fields = append(cur.Fields, line[:strings.Index(line, ": ")])
		}
	}
	if len(layers) == 0 {
		return nil, geo.Errorf(geo.Invalid, "GDAL finds no layer in the file")
	}
	return layers, sc.Err()
}

// parseExtent reads "(minx, miny) - (maxx, maxy)".
func parseExtent(s string) ([4]float64, bool) {
	var e [4]float64
	s = strings.NewReplacer("(", "", ")", "", " - ", ",", " ", "").Replace(s)
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return e, false
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return e, false
		}
		e[i] = v
	}
	return e, true
}

// run runs a GDAL tool and returns its standard output; a failure carries the tool's own
// message, which names the file and the reason (GDAL's wording is good).
func run(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(name); err != nil {
		return nil, geo.Errorf(geo.Unavailable, "%s is not installed: GDAL's tools come from Debian's gdal-bin (scripts/pg.sh installs it)", name)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cmd.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var ee *exec.ExitError
		if errors.As(err, &ee) && msg != "" {
			return nil, geo.Errorf(geo.Invalid, "%s: %s", name, firstErrors(msg))
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stdout.Bytes(), nil
}

// firstErrors keeps GDAL's ERROR lines (its warnings are noise here), at most three.
func firstErrors(msg string) string {
	var keep []string
	for _, l := range strings.Split(msg, "\n") {
		if strings.HasPrefix(l, "ERROR") || strings.HasPrefix(l, "FAILURE") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	if len(keep) == 0 {
		return msg
	}
	if len(keep) > 3 {
		keep = keep[:3]
	}
	return strings.Join(keep, "; ")
}
