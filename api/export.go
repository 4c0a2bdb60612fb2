package api

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/ogr"
)

// Exporter hands out a level or a reference layer as GeoJSON (postgis.DB does).
type Exporter interface {
	ExportCollection(ctx context.Context, name, under string) ([]byte, int, error)
}

// routeExport serves GET /v1/export/{collection}?f=&crs=&under=: the files `gridmap export`
// writes, for dashboards and other departments. Public: boundaries and reference features
// are the public map; no personal data is a collection.
func (s *Server) routeExport() {
	if s.deps.Export == nil {
		return
	}
	s.mux.With(s.withTimeout(2*time.Minute)).Get("/v1/export/{collection}", s.export)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := chi.URLParam(r, "collection")
	fname := q.Get("f")
	if fname == "" {
		fname = "gpkg"
	}
	f, err := ogr.FormatFor(fname, "")
	if err != nil {
		s.writeError(w, r, geo.FieldError("f", "%s", strings.TrimPrefix(err.Error(), "-f: ")))
		return
	}
	crs := q.Get("crs")
	if crs != "" && !validEPSG(crs) {
		s.writeError(w, r, geo.FieldError("crs", "%q is not EPSG:<number>", crs))
		return
	}
	under := q.Get("under")
	if under != "" && (len(under) > 21 || !digitsOnly(under)) {
		s.writeError(w, r, geo.FieldError("under", "%q is not a unit code (digits)", under))
		return
	}
	fc, _, err := s.deps.Export.ExportCollection(r.Context(), name, under)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	path, cleanup, err := ogr.ExportFile(r.Context(), fc, f, name, crs)
	if err != nil {
		if geo.KindOf(err) == geo.Invalid { // GDAL refused the CRS: the only input it sees
			err = geo.FieldError("crs", "%v", err)
		}
		s.writeError(w, r, err)
		return
	}
	defer cleanup()
	w.Header().Set("Content-Type", exportTypes[f.Name])
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filepath.Base(path)))
	http.ServeFile(w, r, path)
}

var exportTypes = map[string]string{
	"gpkg": "application/geopackage+sqlite3", "shp": "application/zip", "geojson": "application/geo+json",
	"kml": "application/vnd.google-earth.kml+xml", "csv": "text/csv; charset=utf-8", "fgb": "application/octet-stream",
}

func validEPSG(s string) bool {
	n, ok := strings.CutPrefix(strings.ToUpper(s), "EPSG:")
	return ok && n != "" && digitsOnly(n) && len(n) <= 6
}
