package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/geo/households"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// memoryHouseholds returns a server whose household chains come from memory (as serve runs
// by default), following the change log, and the store.
func memoryHouseholds(t *testing.T, db *postgis.DB) (*httptest.Server, *households.Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, err := db.StateAt(ctx, false, true)
	if err != nil {
		t.Fatal(err)
	}
	live, err := index.NewLive(st.Units, st.People, st.Seq)
	if err != nil {
		t.Fatal(err)
	}
	hs := households.New(st, func(ctx context.Context, code string) (geo.Chain, error) {
		if c, ok := live.Index().ChainOf(code); ok {
			return c, nil
		}
		return db.ChainOf(ctx, code)
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	go db.Follow(ctx, live, 20*time.Millisecond, quiet, postgis.UnitEntity, postgis.ResponsibilityEntity)
	go db.Follow(ctx, hs, 20*time.Millisecond, quiet, postgis.HouseholdEntity, postgis.TenHHEntity)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: live, Households: hs, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db}))
	t.Cleanup(srv.Close)
	return srv, hs
}

func getAsAdmin(t *testing.T, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(asAdmin(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Household chains from memory are byte for byte the database's, and follow edits of the
// household, its ten-household unit's head and the head's phone.
func TestHouseholdsFromMemoryAgreeAndFollow(t *testing.T) {
	db, pg := sampleServer(t)
	mem, _ := memoryHouseholds(t, db)
	pool := pgtest.Pool(t)
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT id FROM households ORDER BY md5(id) LIMIT 300`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	ids = append(ids, "520204000000000-000-00", "no-such-household")
	for _, id := range ids {
		sp, bp := getAsAdmin(t, pg.URL+"/v1/households/"+id+"/chain")
		sm, bm := getAsAdmin(t, mem.URL+"/v1/households/"+id+"/chain")
		if sp != sm || bp != bm {
			t.Fatalf("%s: database %d %s\nmemory %d %s", id, sp, bp, sm, bm)
		}
	}

	// A unit head's phone changes, and the household moves to another address: the memory
	// answer follows (the follower polls every 20 ms; give it up to 10 s on a loaded machine).
	var id, head, oldPhone string
	err = pool.QueryRow(ctx, `
		SELECT h.id, p.id, p.phone FROM households h
		JOIN responsibilities r ON r.tenhh_code = h.unit_code JOIN people p ON p.id = r.person_id
		ORDER BY h.id LIMIT 1`).Scan(&id, &head, &oldPhone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Exec(context.Background(), `UPDATE people SET phone = $2 WHERE id = $1`, head, oldPhone)
		pool.Exec(context.Background(), `UPDATE households SET address = replace(address, '（迁）', '') WHERE id = $1`, id)
	})
	if _, err := pool.Exec(ctx, `UPDATE people SET phone = '13012345678' WHERE id = $1`, head); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE households SET address = address || '（迁）' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_, want := getAsAdmin(t, pg.URL+"/v1/households/"+id+"/chain")
	if !strings.Contains(want, "13012345678") || !strings.Contains(want, "（迁）") {
		t.Fatalf("the database does not show the edit: %s", want)
	}
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, got = getAsAdmin(t, mem.URL+"/v1/households/"+id+"/chain"); got == want {
			break
		}
	}
	if got != want {
		t.Errorf("memory did not follow the edit:\n got %s\nwant %s", got, want)
	}
}

// A key that has been used (and so is remembered) stops at the first request after it is
// revoked, on a read (checked while the read is worked on) and a write alike, and the
// refusal carries nothing of the answer held back.
func TestRevokedRememberedKeyStopsAtOnce(t *testing.T) {
	db, srv := sampleServer(t)
	k, token, err := db.CreateKey(context.Background(), "revoked while in use", []access.Grant{{Role: access.Viewer}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if err := pgtest.Pool(t).QueryRow(context.Background(), `SELECT id FROM households ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	send := func(method string) (int, string) {
		u, body := srv.URL+"/v1/households/"+id+"/chain", io.Reader(nil)
		if method == "POST" {
			u, body = srv.URL+"/v1/households/chains", strings.NewReader(`["`+id+`"]`)
		}
		req, _ := http.NewRequest(method, u, body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for i := 0; i < 3; i++ {
		for _, m := range []string{"GET", "POST"} {
			if got, body := send(m); got != http.StatusOK || !strings.Contains(body, `"household"`) {
				t.Fatalf("%s %d with the key: %d %.80s, want 200 with the household", m, i, got, body)
			}
		}
	}
	if err := db.RevokeKey(context.Background(), k.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "POST"} {
		got, body := send(m)
		if got != http.StatusUnauthorized || strings.Contains(body, "household\"") || strings.Contains(body, id) {
			t.Errorf("%s, the first request after revoking: %d %s, want 401 and nothing of the household", m, got, body)
		}
	}
}
