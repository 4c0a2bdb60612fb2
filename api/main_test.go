package api_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/auth"
	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Cleanup()
	os.Exit(code)
}

var (
	loadOnce sync.Once
	loadErr  error
	// adminToken is an API key of the test database with an administrator's grant over
	// every unit, for tests of other concerns that read households.
	adminToken string
)

// sampleServer returns a real HTTP server over a test database holding the generated
// 水城区, loaded through the same importer that `gridmap import dir` uses.
func sampleServer(t *testing.T) (*postgis.DB, *httptest.Server) {
	t.Helper()
	db := pgtest.DB(t)
	loadOnce.Do(func() {
		if loadErr = loadSample(db, t.TempDir()); loadErr == nil {
			_, adminToken, loadErr = db.CreateKey(context.Background(), "api tests", []access.Grant{{Role: access.Admin}}, "test")
		}
	})
	if loadErr != nil {
		t.Fatalf("loading the sample county: %v", loadErr)
	}
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db}))
	t.Cleanup(srv.Close)
	return db, srv
}

// bothResolvers returns servers over the sample that answer lookups with a PostGIS query per
// request and from the in-memory index built from the same database: both must give the
// same answers.
func bothResolvers(t *testing.T) (*postgis.DB, map[string]*httptest.Server) {
	t.Helper()
	db, pg := sampleServer(t)
	units, people, err := db.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	mem := httptest.NewServer(api.New(api.Deps{Resolver: ix, Households: db, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db}))
	t.Cleanup(mem.Close)
	return db, map[string]*httptest.Server{"postgis": pg, "memory": mem}
}

// keysOnly identifies callers by the API keys of the test database (no identity provider).
func keysOnly(t *testing.T, db *postgis.DB) *auth.Authenticator {
	a, err := auth.New(context.Background(), nil, db)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// asAdmin adds the administrator's key to a request.
func asAdmin(req *http.Request) *http.Request {
	req.Header.Set("Authorization", "Bearer "+adminToken)
	return req
}

func loadSample(db *postgis.DB, dir string) error {
	county, err := genfiles.Generate("../data/sample/520204-county.geojson", "../data/sample/520204-divisions.csv",
		gen.Options{Seed: 7, Households: 20000})
	if err != nil {
		return err
	}
	if err := genfiles.WriteDir(county, dir); err != nil {
		return err
	}
	// The files present, in the order of importfile.Kinds, as `gridmap import dir` loads them.
	for _, k := range importfile.Kinds {
		f, err := os.Open(filepath.Join(dir, k.File))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		_, err = db.Import(context.Background(), k, k.File, f, nil)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
