package api

import (
	"net/http"
	"os"
	"path"
	"path/filepath"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/gridmap/gridmap/geo"
)

// routeWeb serves the map page from Deps.WebDir: / is its index.html, /editor the planner's
// editor (editor.html), /web/ its files, /web/vendor/ MapLibre GL JS as npm installed it
// (web/node_modules/maplibre-gl/dist), and /web/vendor/<package>/ the dist folders of the
// editor's drawing library, terra-draw and its MapLibre adapter.
func (s *Server) routeWeb() {
	dir := s.deps.WebDir
	if dir == "" {
		return
	}
	vendor := filepath.Join(dir, "node_modules", "maplibre-gl", "dist")
	// The page's files are compressed for browsers that take gzip: MapLibre GL JS is 1 MB,
	// 270 KB gzipped, most of the page's weight.
	page := s.mux.With(s.pageHeaders, middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript"))
	page.Get("/", func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(filepath.Join(vendor, "maplibre-gl.js")); err != nil {
			s.writeError(w, r, geo.Errorf(geo.Unavailable, "the map page needs MapLibre GL JS: run `npm ci --prefix %s` (scripts/up.sh does)", dir))
			return
		}
		http.ServeFile(w, r, filepath.Join(dir, "index.html"))
	})
	page.Get("/editor", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "editor.html"))
	})
	page.Handle("/web/vendor/*", http.StripPrefix("/web/vendor/", http.FileServer(http.Dir(vendor))))
	for _, pkg := range drawingPackages {
		prefix := "/web/vendor/" + pkg + "/"
		dist := http.Dir(filepath.Join(dir, "node_modules", pkg, "dist"))
		page.Handle(prefix+"*", http.StripPrefix(prefix, http.FileServer(onlyFiles{dist})))
	}
	page.Handle("/web/*", http.StripPrefix("/web/", http.FileServer(onlyFiles{http.Dir(dir)})))
}

// drawingPackages are the npm packages the editor draws with (web/package.json); each is
// served from its dist folder.
var drawingPackages = []string{"terra-draw", "terra-draw-maplibre-gl-adapter"}

// onlyFiles serves the files at the top of the page's folder: no directory listings, nothing
// under node_modules (the vendor route serves MapLibre's dist only).
type onlyFiles struct{ fs http.FileSystem }

func (o onlyFiles) Open(name string) (http.File, error) {
	if path.Dir(path.Clean("/"+name)) != "/" {
		return nil, os.ErrNotExist
	}
	f, err := o.fs.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, os.ErrNotExist
	}
	return f, nil
}
