package ogr

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gridmap/gridmap/geo"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Options say how to read a file GDAL opens.
type Options struct {
	// SourceSRS is the file's CRS when it names none or names a wrong one (-s_srs), e.g.
	// EPSG:4544.
	SourceSRS string
	// Encoding is the attribute encoding of a Shapefile's .dbf when no .cpg says it (GBK,
	// CP936, GB18030, UTF-8).
	Encoding string
	// Map renames fields: gridmap's property name → the file's field name (code → BM).
	Map map[string]string
	// Layer picks one layer of a file with several (a GeoPackage); "" takes the only one.
	Layer string
	// NearLon is the longitude of the data already stored, if any: it names the likely
	// Gauss–Krüger zone of a projected file that names none.
	NearLon float64
}

// ToGeoJSON converts the file at path into a GeoJSON FeatureCollection in longitude/latitude
// (EPSG:4326, which CGCS2000 equals to centimetres), with fields renamed by o.Map. It refuses
// a file whose CRS is unknown while its coordinates are no degrees, naming the likely zone,
// and text that is not UTF-8 when the file does not say its encoding.
func ToGeoJSON(ctx context.Context, path string, o Options) ([]byte, error) {
	layers, err := Inspect(ctx, path)
	if err != nil {
		return nil, err
	}
	l, err := pickLayer(layers, o.Layer)
	if err != nil {
		return nil, err
	}
	if l.SRS == "" && o.SourceSRS == "" && l.HasExtent && !lonLat(l.Extent) {
		return nil, geo.FieldError("-s_srs", "%s names no coordinate system and %s", path, projectedHint(l.Extent, o.NearLon))
	}
	args := []string{"-f", "GeoJSON", "/vsistdout/", path}
	if o.SourceSRS != "" {
		args = append(args, "-s_srs", o.SourceSRS)
	}
	// Without a CRS in the file or the options, the degrees are taken as they are.
	if l.SRS != "" || o.SourceSRS != "" {
		args = append(args, "-t_srs", "EPSG:4326")
	}
	args = append(args, "-dim", "XY")
	sql, err := renameSQL(l, o.Map)
	if err != nil {
		return nil, err
	}
	if sql != "" {
		args = append(args, "-sql", sql)
	} else if o.Layer != "" {
		args = append(args, l.Name)
	}
	var env []string
	checkText := false
	switch {
	case o.Encoding != "":
		env = append(env, "SHAPE_ENCODING="+o.Encoding)
	case !l.EncodingFromCPG:
		// Without a .cpg, a .dbf's language byte is often missing or left at a tool's default
		// (ISO-8859-1) while the text is GBK: read the bytes as they are and insist on UTF-8,
		// so mojibake is never stored. Formats other than Shapefile are UTF-8 by definition.
		env = append(env, "SHAPE_ENCODING=")
		checkText = true
	}
	out, err := run(ctx, env, "ogr2ogr", args...)
	if err != nil {
		return nil, err
	}
	if checkText && !utf8.Valid(out) {
		return nil, geo.FieldError("-encoding", "the attribute text of %s is not UTF-8 and no .cpg file says its encoding%s; give -encoding GBK (or the right one)", path, gbkSample(out))
	}
	return out, nil
}

// gbkSample shows the first invalid stretch decoded as GB18030, so the message tells whether
// that is the file's encoding.
func gbkSample(b []byte) string {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n != 1 {
			i += n
			continue
		}
		end := min(len(b), i+24)
		if j := strings.IndexByte(string(b[i:end]), '"'); j > 0 {
			end = i + j
		}
		s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b[i:end])
		if err != nil || !utf8.Valid(s) {
			return ""
		}
		return fmt.Sprintf(" (read as GBK it says %q)", string(s))
	}
	return ""
}

func pickLayer(layers []Layer, name string) (Layer, error) {
	if name == "" {
		if len(layers) > 1 {
			return Layer{}, geo.FieldError("-layer", "the file has %d layers (%s): name one", len(layers), layerNames(layers))
		}
		return layers[0], nil
	}
	for _, l := range layers {
		if l.Name == name {
			return l, nil
		}
	}
	return Layer{}, geo.FieldError("-layer", "no layer %q in the file (it has %s)", name, layerNames(layers))
}

func layerNames(ls []Layer) string {
	var ns []string
	for _, l := range ls {
		ns = append(ns, l.Name)
	}
	return strings.Join(ns, ", ")
}

// renameSQL is the OGR SQL that selects every field of l, the mapped ones under gridmap's
// names. Field names come from the file itself and the map is checked against them, so no
// text from the command line reaches the SQL unchecked.
func renameSQL(l Layer, m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	alias := map[string]string{} // file field → gridmap name
	targets := make([]string, 0, len(m))
	for to := range m {
		targets = append(targets, to)
	}
	sort.Strings(targets)
	for _, to := range targets {
		from := m[to]
		if !slices.Contains(l.Fields, from) {
			return "", geo.FieldError("-map", "%s=%s: the file has no field %s (it has %s)", to, from, from, strings.Join(l.Fields, ", "))
		}
		if !isName(to) {
			return "", geo.FieldError("-map", "%q is not a property name", to)
		}
		alias[from] = to
	}
	var cols []string
	for _, f := range l.Fields {
		if to, ok := alias[f]; ok {
			cols = append(cols, fmt.Sprintf(`"%s" AS "%s"`, f, to))
		} else if _, taken := m[f]; !taken && !strings.Contains(f, `"`) {
			cols = append(cols, fmt.Sprintf(`"%s"`, f))
		}
	}
	return fmt.Sprintf(`SELECT %s FROM "%s"`, strings.Join(cols, ", "), strings.ReplaceAll(l.Name, `"`, "")), nil
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ParseMap reads -map's "code=BM,name=MC".
func ParseMap(s string) (map[string]string, error) {
	m := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(s, ",") {
		to, from, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || to == "" || from == "" {
			return nil, geo.FieldError("-map", "%q is not name=FIELD", pair)
		}
		if _, dup := m[to]; dup {
			return nil, geo.FieldError("-map", "%s is mapped twice", to)
		}
		m[to] = from
	}
	return m, nil
}
