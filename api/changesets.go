package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/wire"
	"github.com/paulmach/orb"
)

// routeChangeSets serves planners' drafts (README: "Change sets"): open a set over a unit,
// edit the units under it freely or with the coverage-keeping operations, validate,
// publish or discard. Every endpoint needs the right to edit change sets over the set's
// parent (publishing: to publish there; a written override: an administrator's right).
func (s *Server) routeChangeSets() {
	if s.deps.ChangeSets == nil {
		return
	}
	r := s.mux.With(s.withTimeout(s.deps.Timeout), bodyDeadline)
	r.Post("/v1/changesets", s.openChangeSet)
	r.Get("/v1/changesets/{id}", s.getChangeSet)
	r.Get("/v1/changesets/{id}/units", s.changeSetUnits)
	r.Post("/v1/changesets/{id}/units", s.createChangeSetUnit)
	r.Get("/v1/changesets/{id}/units/{code}", s.changeSetUnit)
	r.Put("/v1/changesets/{id}/units/{code}", s.putChangeSetUnit)
	r.Delete("/v1/changesets/{id}/units/{code}", s.deleteChangeSetUnit)
	r.Post("/v1/changesets/{id}/split", s.splitUnit)
	r.Post("/v1/changesets/{id}/merge", s.mergeUnits)
	r.Post("/v1/changesets/{id}/move-boundary", s.moveBoundary)
	r.Post("/v1/changesets/{id}/move-area", s.moveArea)
	r.Post("/v1/changesets/{id}/create-from-gap", s.createFromGap)
	r.Post("/v1/changesets/{id}/validate", s.validateChangeSet)
	r.Post("/v1/changesets/{id}/publish", s.publishChangeSet)
	r.Post("/v1/changesets/{id}/discard", s.discardChangeSet)
	r.Get("/v1/changesets/{id}/tiles/{z}/{x}/{y}.mvt", s.changeSetTile)
}

// changeSetTile answers GET /v1/changesets/{id}/tiles/{z}/{x}/{y}.mvt: the set's preview,
// drawn as it stands (never cached: every edit changes it), for planners over its parent.
func (s *Server) changeSetTile(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	z, x, y, err := parseZXY(chi.URLParam(r, "z"), chi.URLParam(r, "x"), chi.URLParam(r, "y"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	tile, err := s.deps.ChangeSets.ChangeSetTile(r.Context(), cs.ID, z, x, y)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
	w.Header().Set("Cache-Control", "no-store")
	if len(tile) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Write(tile)
}

// changeSetOf returns the set the path names, once the caller may do action over its
// parent. Callers without the right anywhere are refused before the set is looked up, so
// a refusal tells nothing about which sets exist.
func (s *Server) changeSetOf(w http.ResponseWriter, r *http.Request, action access.Action) (geo.ChangeSet, bool) {
	if err := permit(r, action, ""); err != nil {
		s.writeError(w, r, err)
		return geo.ChangeSet{}, false
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, r, geo.FieldError("id", "a change set id is a positive whole number"))
		return geo.ChangeSet{}, false
	}
	cs, err := s.deps.ChangeSets.ChangeSet(r.Context(), id)
	if err == nil {
		err = permit(r, action, cs.Parent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return geo.ChangeSet{}, false
	}
	return cs, true
}

// openChangeSet answers POST /v1/changesets {"parent", "title"} with 201 and the set.
func (s *Server) openChangeSet(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Parent string `json:"parent"`
		Title  string `json:"title"`
	}
	err := readBody(w, r, &body, false)
	if err == nil {
		err = required("parent", body.Parent)
	}
	if err == nil {
		err = required("title", body.Title)
	}
	if err == nil {
		if terr := access.CheckTerritory(body.Parent); terr != nil || body.Parent == "" {
			err = geo.FieldError("parent", "a unit code: 6 to 18 digits")
		}
	}
	if err == nil {
		err = permit(r, access.EditChangeSets, body.Parent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.deps.ChangeSets.OpenChangeSet(r.Context(), body.Parent, body.Title, identityOf(r).Subject)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/changesets/"+strconv.FormatInt(cs.ID, 10))
	writeJSON(w, http.StatusCreated, changeSetOut(cs))
}

func (s *Server) getChangeSet(w http.ResponseWriter, r *http.Request) {
	if cs, ok := s.changeSetOf(w, r, access.EditChangeSets); ok {
		writeJSON(w, http.StatusOK, changeSetOut(cs))
	}
}

// changeSetUnits answers with the units under the set's parent as the set leaves them, a
// GeoJSON FeatureCollection with each unit's ETag among its properties.
func (s *Server) changeSetUnits(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	us, err := s.deps.ChangeSets.ChangeSetUnits(r.Context(), cs.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, unitCollection(us))
}

func (s *Server) changeSetUnit(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	us, err := s.deps.ChangeSets.ChangeSetUnits(r.Context(), cs.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code := chi.URLParam(r, "code")
	for _, u := range us {
		if u.Code == code {
			w.Header().Set("ETag", u.ETag)
			writeGeoJSON(w, http.StatusOK, unitFeature(u))
			return
		}
	}
	s.writeError(w, r, geo.Errorf(geo.NotFound, "no unit %s in change set %d", code, cs.ID))
}

// putChangeSetUnit creates or replaces a unit in the set from a GeoJSON Feature; If-Match,
// when sent, must name the unit's current ETag (412 otherwise). The answer carries the new
// ETag.
func (s *Server) putChangeSetUnit(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	u, err := unitFromFeature(w, r, chi.URLParam(r, "code"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	got, err := s.deps.ChangeSets.PutUnit(r.Context(), cs.ID, u, r.Header.Get("If-Match"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", got.ETag)
	writeGeoJSON(w, http.StatusOK, unitFeature(got))
}

// createChangeSetUnit adds a unit from a GeoJSON Feature whose properties name its
// parent_code; it gets the next free code there. 201 with Location and ETag.
func (s *Server) createChangeSetUnit(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	u, err := unitFromFeature(w, r, "")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	got, err := s.deps.ChangeSets.CreateUnit(r.Context(), cs.ID, u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", got.ETag)
	w.Header().Set("Location", "/v1/changesets/"+strconv.FormatInt(cs.ID, 10)+"/units/"+got.Code)
	writeGeoJSON(w, http.StatusCreated, unitFeature(got))
}

func (s *Server) deleteChangeSetUnit(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	if err := s.deps.ChangeSets.DeleteUnit(r.Context(), cs.ID, chi.URLParam(r, "code"), r.Header.Get("If-Match")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// operation reads an operation's body into body, runs it and answers with the units it
// changed as a FeatureCollection.
func (s *Server) operation(w http.ResponseWriter, r *http.Request, body any, run func(cs geo.ChangeSet) ([]geo.EditedUnit, error)) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	if err := readBody(w, r, body, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	us, err := run(cs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, unitCollection(us))
}

// splitUnit: {"code", "line": LineString, "name"?}.
func (s *Server) splitUnit(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Code string          `json:"code"`
		Line json.RawMessage `json:"line"`
		Name string          `json:"name"`
	}
	s.operation(w, r, &b, func(cs geo.ChangeSet) ([]geo.EditedUnit, error) {
		if err := required("code", b.Code); err != nil {
			return nil, err
		}
		line, err := lineField("line", b.Line)
		if err != nil {
			return nil, err
		}
		return s.deps.ChangeSets.SplitUnit(r.Context(), cs.ID, b.Code, line, b.Name)
	})
}

// mergeUnits: {"code", "with"}: code takes in with.
func (s *Server) mergeUnits(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Code string `json:"code"`
		With string `json:"with"`
	}
	s.operation(w, r, &b, func(cs geo.ChangeSet) ([]geo.EditedUnit, error) {
		if err := required("code", b.Code); err != nil {
			return nil, err
		}
		if err := required("with", b.With); err != nil {
			return nil, err
		}
		return s.deps.ChangeSets.MergeUnits(r.Context(), cs.ID, b.Code, b.With)
	})
}

// moveBoundary: {"codes": [a, b], "line": LineString}.
func (s *Server) moveBoundary(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Codes []string        `json:"codes"`
		Line  json.RawMessage `json:"line"`
	}
	s.operation(w, r, &b, func(cs geo.ChangeSet) ([]geo.EditedUnit, error) {
		if len(b.Codes) != 2 {
			return nil, geo.FieldError("codes", "name the two neighbours whose boundary moves")
		}
		line, err := lineField("line", b.Line)
		if err != nil {
			return nil, err
		}
		return s.deps.ChangeSets.MoveBoundary(r.Context(), cs.ID, b.Codes[0], b.Codes[1], line)
	})
}

// moveArea: {"from", "to", "area": Polygon}.
func (s *Server) moveArea(w http.ResponseWriter, r *http.Request) {
	var b struct {
		From string          `json:"from"`
		To   string          `json:"to"`
		Area json.RawMessage `json:"area"`
	}
	s.operation(w, r, &b, func(cs geo.ChangeSet) ([]geo.EditedUnit, error) {
		if err := required("from", b.From); err != nil {
			return nil, err
		}
		if err := required("to", b.To); err != nil {
			return nil, err
		}
		area, err := polygonField("area", b.Area)
		if err != nil {
			return nil, err
		}
		return s.deps.ChangeSets.MoveArea(r.Context(), cs.ID, b.From, b.To, area)
	})
}

// createFromGap: {"parent"?, "point": Point, "level"?, "name"?}; parent defaults to the
// set's parent.
func (s *Server) createFromGap(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Parent string          `json:"parent"`
		Point  json.RawMessage `json:"point"`
		Level  string          `json:"level"`
		Name   string          `json:"name"`
	}
	s.operation(w, r, &b, func(cs geo.ChangeSet) ([]geo.EditedUnit, error) {
		if b.Parent == "" {
			b.Parent = cs.Parent
		}
		p, err := pointField("point", b.Point)
		if err != nil {
			return nil, err
		}
		var lvl geo.Level
		if b.Level != "" {
			if lvl, err = geo.ParseLevel(b.Level); err != nil {
				return nil, geo.FieldError("level", "%s", err.Error())
			}
		}
		u, err := s.deps.ChangeSets.CreateFromGap(r.Context(), cs.ID, b.Parent, orb.Point(p), lvl, b.Name)
		if err != nil {
			return nil, err
		}
		return []geo.EditedUnit{u}, nil
	})
}

// validateChangeSet answers with the coverage findings as a GeoJSON FeatureCollection.
func (s *Server) validateChangeSet(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	fs, err := s.deps.ChangeSets.ValidateChangeSet(r.Context(), cs.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeGeoJSON(w, http.StatusOK, findingCollection(fs))
}

// publishChangeSet: {"override_reason"?}. 409 names the units another publish changed
// first; 422 says the set breaks the coverage rule (an administrator may publish it with a
// reason).
func (s *Server) publishChangeSet(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.Publish)
	if !ok {
		return
	}
	var b struct {
		OverrideReason string `json:"override_reason"`
	}
	err := readBody(w, r, &b, true)
	if err == nil && b.OverrideReason != "" {
		err = permit(r, access.Override, cs.Parent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pub, err := s.deps.ChangeSets.PublishChangeSet(r.Context(), cs.ID, identityOf(r).Subject, b.OverrideReason)
	var stale *geo.StaleUnits
	if errors.As(err, &stale) {
		writeJSON(w, http.StatusConflict, struct {
			wire.ErrorBody
			Units []string `json:"units"`
		}{wire.ErrorBody{Error: detailOf(err)}, stale.Codes})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ChangeSet  changeSetJSON `json:"changeset"`
		Units      []string      `json:"units"`
		Overridden bool          `json:"overridden"`
		Findings   any           `json:"findings"`
	}{changeSetOut(pub.ChangeSet), pub.Units, pub.Overridden, findingCollection(pub.Findings)})
}

func (s *Server) discardChangeSet(w http.ResponseWriter, r *http.Request) {
	cs, ok := s.changeSetOf(w, r, access.EditChangeSets)
	if !ok {
		return
	}
	if err := s.deps.ChangeSets.DiscardChangeSet(r.Context(), cs.ID, identityOf(r).Subject); err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.deps.ChangeSets.ChangeSet(r.Context(), cs.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, changeSetOut(cs))
}

// writeGeoJSON writes v as application/geo+json.
func writeGeoJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding GeoJSON", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
