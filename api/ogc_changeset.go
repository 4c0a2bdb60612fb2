package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// Each change set has its own OGC API landing page at /changesets/{id}/: the units of the
// levels under its parent as the set would leave them, and OGC API - Features Part 4 writes
// (POST, PUT, PATCH, DELETE) that become the set's edits. A planner points QGIS at it, edits
// feature by feature (coverage may break on the way: validation and publish are the set's),
// and publishes. Everything on it, reads included, needs a caller who may edit change sets
// over the set's parent.

// ChangeSetEditor is what a change set's landing page needs of the change-set store
// (postgis.DB).
type ChangeSetEditor interface {
	ChangeSet(ctx context.Context, id int64) (geo.ChangeSet, error)
	ChangeSetUnits(ctx context.Context, id int64) ([]geo.EditedUnit, error)
	ChangeSetItems(id int64, parent string) geo.ItemReader
	PutUnit(ctx context.Context, id int64, u geo.Unit, ifMatch string) (geo.EditedUnit, error)
	CreateUnit(ctx context.Context, id int64, u geo.Unit) (geo.EditedUnit, error)
	DeleteUnit(ctx context.Context, id int64, code, ifMatch string) error
}

// ogcWriteConformance adds Part 4's classes to a change set's landing page.
var ogcWriteConformance = append(slices.Clip(ogcConformance),
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
)

func (s *Server) routeOGCChangeSets() {
	if s.deps.OGCChangeSets == nil {
		return
	}
	r := s.mux.With(s.withTimeout(s.deps.Timeout), bodyDeadline)
	r.Get("/changesets/{changeset}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/changesets/"+chi.URLParam(r, "changeset")+"/")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	const root = "/changesets/{changeset}"
	s.routeOGCSite(r, root, s.changeSetSite, true)
	on := func(h func(http.ResponseWriter, *http.Request, *ogcSite)) http.HandlerFunc {
		return s.onSite(s.changeSetSite, h)
	}
	r.Post(root+"/collections/{collection}/items", on(s.ogcCreate))
	r.Put(root+"/collections/{collection}/items/{feature}", on(s.ogcReplace))
	r.Patch(root+"/collections/{collection}/items/{feature}", on(s.ogcPatch))
	r.Delete(root+"/collections/{collection}/items/{feature}", on(s.ogcDelete))
}

// changeSetSite is the landing page of the change set the path names, for a caller who may
// edit change sets over its parent: 401 without credentials (before anything of the set is
// read), 404 for an unknown set, 403 outside the caller's territory.
func (s *Server) changeSetSite(r *http.Request) (*ogcSite, error) {
	if err := permit(r, access.EditChangeSets, ""); err != nil {
		return nil, err
	}
	text := chi.URLParam(r, "changeset")
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return nil, geo.Errorf(geo.NotFound, "no change set %q: change sets are numbered", text)
	}
	cs, err := s.deps.OGCChangeSets.ChangeSet(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if err := permit(r, access.EditChangeSets, cs.Parent); err != nil {
		return nil, err
	}
	return &ogcSite{
		root:        "/changesets/" + strconv.FormatInt(id, 10),
		title:       fmt.Sprintf("gridmap change set %d (%s) over %s: %s", id, cs.State, cs.Parent, cs.Title),
		reader:      s.deps.OGCChangeSets.ChangeSetItems(id, cs.Parent),
		collections: levelsUnder(cs.Parent),
		conformance: ogcWriteConformance,
		changeSet:   &cs,
	}, nil
}

// levelsUnder returns the collections of the levels whose units can lie under the unit with
// this code: its code is three digits per level, from six for a county.
func levelsUnder(code string) []geo.Collection {
	var out []geo.Collection
	for _, c := range geo.Collections {
		if c.Level != "" && c.Level.Rank() > len(code)/3-2 {
			out = append(out, c)
		}
	}
	return out
}

// editedUnit returns the unit of the collection's level with this code as the set shows
// it; NotFound when it has none.
func (s *Server) editedUnit(r *http.Request, st *ogcSite, c geo.Collection, code string) (geo.EditedUnit, error) {
	units, err := s.deps.OGCChangeSets.ChangeSetUnits(r.Context(), st.changeSet.ID)
	if err != nil {
		return geo.EditedUnit{}, err
	}
	for _, u := range units {
		if u.Code == code && u.Level == c.Level {
			return u, nil
		}
	}
	if r.Header.Get("If-Match") != "" {
		// The If-Match names a state of a unit that is not there (any more).
		return geo.EditedUnit{}, &geo.Error{Kind: geo.PreconditionFailed, Field: "If-Match",
			Message: fmt.Sprintf("change set %d has no %s %s", st.changeSet.ID, c.Level, code)}
	}
	return geo.EditedUnit{}, geo.Errorf(geo.NotFound, "change set %d has no %s %s", st.changeSet.ID, c.Level, code)
}
