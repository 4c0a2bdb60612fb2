package api

import (
	"context"
	"io"
	"net/http"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// testIdentities is an identity provider for handler tests that need no database: the
// bearer token is the name of an identity here. The real ones (JWTs, API keys in
// PostgreSQL) are tested in auth, postgis and the api_test package.
type testIdentities map[string]*access.Identity

var testAdmin = &access.Identity{Subject: "test-admin", Via: "key", Grants: []access.Grant{{Role: access.Admin}}}

func (t testIdentities) Identify(_ context.Context, token string) (*access.Identity, error) {
	if token == "" {
		return access.Anonymous, nil
	}
	if id, ok := t[token]; ok {
		return id, nil
	}
	return nil, geo.Errorf(geo.Unauthenticated, "the bearer token is not valid")
}

// postAs posts body as the identity named by token.
func postAs(url, token, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	return http.DefaultClient.Do(req)
}
