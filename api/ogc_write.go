package api

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
)

// OGC API - Features Part 4 on a change set's landing page. Each write is one edit of the
// set through the change-set store, which snaps the boundary to its neighbours and checks
// If-Match against the unit's ETag: a stale one is a 412 and changes nothing; without
// If-Match (QGIS sends none) the write is accepted. Properties a feature shows are code,
// name, parent_code and version (read only); other properties are ignored, and attributes
// the unit holds beyond them are kept.

// ogcCreate serves POST .../items: a new unit of the collection's level. Its code is the
// one in the properties, or else the next free one under its parent_code (by default the
// set's parent): QGIS does not number the features it creates. 201 with its Location and
// ETag.
func (s *Server) ogcCreate(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fb, err := readFeatureBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code, _, err := fb.text("code")
	if err == nil && !fb.hasGeom {
		err = geo.FieldError("geometry", "a unit needs a boundary")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := geo.Unit{Code: code, Level: c.Level, Geom: fb.geom, ParentCode: st.changeSet.Parent}
	if err := fb.apply(&u, c, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	if code == "" {
		eu, err := s.deps.OGCChangeSets.CreateUnit(r.Context(), st.changeSet.ID, u)
		s.answerEdit(w, r, st, c, eu, err, http.StatusCreated)
		return
	}
	// A code is one unit's, whatever its level (a group and a grid both have 15 digits).
	units, err := s.deps.OGCChangeSets.ChangeSetUnits(r.Context(), st.changeSet.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, x := range units {
		if x.Code == code {
			s.writeError(w, r, geo.Errorf(geo.Conflict, "%s %s exists in the change set: PUT or PATCH changes it", x.Level, code))
			return
		}
	}
	eu, err := s.deps.OGCChangeSets.PutUnit(r.Context(), st.changeSet.ID, u, "")
	s.answerEdit(w, r, st, c, eu, err, http.StatusCreated)
}

// ogcReplace serves PUT .../items/{code}: the unit's name, parent and boundary replaced.
func (s *Server) ogcReplace(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	s.changeUnit(w, r, st, true)
}

// ogcPatch serves PATCH .../items/{code}: a JSON merge patch of the feature, only the
// members sent change.
func (s *Server) ogcPatch(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	s.changeUnit(w, r, st, false)
}

func (s *Server) changeUnit(w http.ResponseWriter, r *http.Request, st *ogcSite, replace bool) {
	c, err := st.collectionOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fb, err := readFeatureBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if replace && !fb.hasGeom {
		s.writeError(w, r, geo.FieldError("geometry", "PUT replaces the feature: send its boundary (PATCH changes a part)"))
		return
	}
	cur, err := s.editedUnit(r, st, c, chi.URLParam(r, "feature"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := cur.Unit
	if fb.hasGeom {
		u.Geom = fb.geom
	}
	if err := fb.apply(&u, c, replace); err != nil {
		s.writeError(w, r, err)
		return
	}
	eu, err := s.deps.OGCChangeSets.PutUnit(r.Context(), st.changeSet.ID, u, r.Header.Get("If-Match"))
	s.answerEdit(w, r, st, c, eu, err, http.StatusOK)
}

// apply sets the unit's name and parent from the properties; a replacement must name it.
// A code or level that differs from the unit's is an Invalid error: a unit is renumbered
// by the set's operations, not by an edit.
func (fb featureBody) apply(u *geo.Unit, c geo.Collection, replace bool) error {
	if code, ok, err := fb.text("code"); err != nil || ok && code != u.Code {
		if err != nil {
			return err
		}
		return geo.FieldError("code", "%q is not this unit's code %s", code, u.Code)
	}
	if level, ok, err := fb.text("level"); err != nil || ok && level != string(c.Level) {
		if err != nil {
			return err
		}
		return geo.FieldError("level", "%q: the collection holds %s units", level, c.Level)
	}
	name, ok, err := fb.text("name")
	switch {
	case err != nil:
		return err
	case ok:
		u.Name = name
	case replace:
		return geo.FieldError("name", "a unit needs a name")
	}
	parent, ok, err := fb.text("parent_code")
	if err != nil {
		return err
	}
	if ok {
		u.ParentCode = parent
	}
	return nil
}

// answerEdit answers a write with the feature as the set now shows it (or with err).
func (s *Server) answerEdit(w http.ResponseWriter, r *http.Request, st *ogcSite, c geo.Collection, eu geo.EditedUnit, err error, status int) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := st.reader.Item(r.Context(), c, eu.Code, nil, 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := featureOf(it)
	self := st.url(s, r, "/collections/"+c.ID+"/items/"+url.PathEscape(it.ID))
	f.Links = []ogcLink{{Href: self, Rel: "self", Type: mediaGeoJSON, Title: "this feature"}}
	w.Header().Set("ETag", it.ETag)
	w.Header().Set("Content-Crs", crs84Head)
	if status == http.StatusCreated {
		w.Header().Set("Location", self)
	}
	writeOGC(w, status, mediaGeoJSON, f)
}

// ogcDelete serves DELETE .../items/{code}: the unit deleted in the set. 204.
func (s *Server) ogcDelete(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code := chi.URLParam(r, "feature")
	if _, err := s.editedUnit(r, st, c, code); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.deps.OGCChangeSets.DeleteUnit(r.Context(), st.changeSet.ID, code, r.Header.Get("If-Match")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
