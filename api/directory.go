package api

import (
	"encoding/csv"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/directory"
)

// routeDirectory serves the dashboard's reads of the unit directory, all from memory and all
// public: units with their people as the notice boards show them and aggregate statistics
// (counts, never a household), children, CSV for spreadsheets, and search.
func (s *Server) routeDirectory() {
	if s.deps.Directory == nil {
		return
	}
	r := s.mux.With(s.withTimeout(s.deps.Timeout))
	r.Get("/v1/units/{code}", s.unitInfo)
	r.Get("/v1/units/{code}/children", s.unitChildren)
	r.Get("/v1/units/{code}/children.csv", s.unitChildrenCSV)
	r.Get("/v1/search", s.searchUnits)
}

// unitRef names a unit.
type unitRef struct {
	Code  string    `json:"code"`
	Name  string    `json:"name"`
	Level geo.Level `json:"level"`
}

func refOf(e *directory.Entry) unitRef { return unitRef{e.Code, e.Name, e.Level} }

func refsOf(es []*directory.Entry) []unitRef {
	out := make([]unitRef, len(es))
	for i, e := range es {
		out[i] = refOf(e)
	}
	return out
}

// statsOf is the unit's statistics with the area to square metres (0.000001 km²).
func statsOf(e *directory.Entry) directory.Stats {
	s := e.Stats
	s.AreaKm2 = math.Round(s.AreaKm2*1e6) / 1e6
	return s
}

func boundOf(e *directory.Entry) *[4]float64 {
	if !e.HasBound {
		return nil
	}
	b := e.Bound
	return &b
}

// unitBody is GET /v1/units/{code}.
type unitBody struct {
	unitRef
	Parent     *unitRef        `json:"parent"`
	Path       []unitRef       `json:"path"`
	Children   []unitRef       `json:"children"`
	People     []geo.Person    `json:"people"`
	Statistics directory.Stats `json:"statistics"`
	BBox       *[4]float64     `json:"bbox"`
	TenHH      any             `json:"tenhh_units,omitempty"` // grids only
}

// unitEntry finds the unit of the path's {code}: 400 when it cannot be a code, 404 when no
// unit has it.
func (s *Server) unitEntry(r *http.Request) (*directory.View, *directory.Entry, error) {
	code, err := unitCodeParam(r)
	if err != nil {
		return nil, nil, err
	}
	v := s.deps.Directory.View()
	e, ok := v.Unit(code)
	if !ok {
		return nil, nil, geo.Errorf(geo.NotFound, "no unit has code %s", code)
	}
	return v, e, nil
}

func (s *Server) unitInfo(w http.ResponseWriter, r *http.Request) {
	_, e, err := s.unitEntry(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b := unitBody{unitRef: refOf(e), Path: refsOf(e.Path()), Children: refsOf(e.Children),
		People: e.People, Statistics: statsOf(e), BBox: boundOf(e)}
	if e.Parent != nil {
		p := refOf(e.Parent)
		b.Parent = &p
	}
	if b.People == nil {
		b.People = []geo.Person{}
	}
	if e.Level == geo.Grid {
		t := e.TenHH
		if t == nil {
			t = []directory.TenHHStats{}
		}
		b.TenHH = t
	}
	writeJSON(w, http.StatusOK, b)
}

// childBody is one child in GET /v1/units/{code}/children.
type childBody struct {
	unitRef
	Statistics directory.Stats `json:"statistics"`
	BBox       *[4]float64     `json:"bbox"`
}

// childrenOf returns the unit's children, or with ?level= every unit of that level under it.
func (s *Server) childrenOf(r *http.Request) (*directory.Entry, []*directory.Entry, geo.Level, error) {
	v, e, err := s.unitEntry(r)
	if err != nil {
		return nil, nil, "", err
	}
	lv := r.URL.Query().Get("level")
	if lv == "" {
		return e, e.Children, "", nil
	}
	level, err := geo.ParseLevel(lv)
	if err != nil {
		return nil, nil, "", geo.FieldError("level", "%s", err.Error())
	}
	return e, v.Descendants(e.Code, level), level, nil
}

func (s *Server) unitChildren(w http.ResponseWriter, r *http.Request) {
	e, kids, _, err := s.childrenOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]childBody, len(kids))
	for i, k := range kids {
		out[i] = childBody{refOf(k), statsOf(k), boundOf(k)}
	}
	writeJSON(w, http.StatusOK, struct {
		Unit     unitRef     `json:"unit"`
		Children []childBody `json:"children"`
	}{refOf(e), out})
}

// csvHeader is the first line of GET /v1/units/{code}/children.csv.
var csvHeader = []string{"code", "name", "level", "parent_code", "households", "members", "tenhh_units", "people", "area_km2", "grids"}

// unitChildrenCSV writes the children's statistics as CSV for spreadsheets: UTF-8 with a
// byte order mark (so that Excel reads the Chinese names), one row per child.
func (s *Server) unitChildrenCSV(w http.ResponseWriter, r *http.Request) {
	e, kids, level, err := s.childrenOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	name := e.Code + "-children.csv"
	if level != "" {
		name = e.Code + "-" + string(level) + ".csv"
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, k := range kids {
		parent := ""
		if k.Parent != nil {
			parent = k.Parent.Code
		}
		st := k.Stats
		cw.Write([]string{k.Code, spreadsheetText(k.Name), string(k.Level), parent,
			strconv.Itoa(st.Households), strconv.Itoa(st.Members), strconv.Itoa(st.TenHH), strconv.Itoa(st.People),
			strconv.FormatFloat(st.AreaKm2, 'f', 3, 64), strconv.Itoa(st.Grids)})
	}
	cw.Flush()
}

// spreadsheetText keeps a spreadsheet from reading a name as a formula (a leading =, +, -
// or @), as OWASP advises for CSV meant for spreadsheets.
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// searchHit is one result of GET /v1/search.
type searchHit struct {
	unitRef
	Parent *unitRef    `json:"parent"`
	Path   []string    `json:"path"` // the names of the ancestors, county first
	Match  string      `json:"match"`
	Pinyin bool        `json:"pinyin,omitempty"`
	BBox   *[4]float64 `json:"bbox"`
}

// Search limits: how many results by default and at most.
const (
	searchDefault = 10
	searchMax     = 50
)

func (s *Server) searchUnits(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	q := query.Get("q")
	if msg := directory.CheckQuery(q); msg != "" {
		s.writeError(w, r, geo.FieldError("q", "%s", msg))
		return
	}
	limit := searchDefault
	if l := query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > searchMax {
			s.writeError(w, r, geo.FieldError("limit", "%q is not a whole number from 1 to %d", truncate(l, 20), searchMax))
			return
		}
		limit = n
	}
	var levels []geo.Level
	if l := query.Get("level"); l != "" {
		lv, err := geo.ParseLevel(l)
		if err != nil {
			s.writeError(w, r, geo.FieldError("level", "%q is not a level: expected one of %s", truncate(l, 20), strings.Join(geo.LevelNames(), ", ")))
			return
		}
		levels = append(levels, lv)
	}
	hits := s.deps.Directory.View().Search(q, limit, levels...)
	out := make([]searchHit, len(hits))
	for i, h := range hits {
		e := h.Entry
		sh := searchHit{unitRef: refOf(e), Path: []string{}, Match: h.Match.String(), Pinyin: h.Pinyin, BBox: boundOf(e)}
		for _, a := range e.Path() {
			sh.Path = append(sh.Path, a.Name)
		}
		if e.Parent != nil {
			p := refOf(e.Parent)
			sh.Parent = &p
		}
		out[i] = sh
	}
	writeJSON(w, http.StatusOK, struct {
		Query   string      `json:"query"`
		Results []searchHit `json:"results"`
	}{strings.TrimSpace(q), out})
}

// truncate shortens what a caller sent for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
