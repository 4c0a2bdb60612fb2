package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"github.com/gridmap/gridmap/tiles"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
)

func init() {
	register("serve", "serve the lookup API on HTTP", runServe)
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "[-addr :8080]")
	addr := fs.String("addr", envOr("ADDR", ":8080"), "address to listen on (env ADDR)")
	timeout := fs.Duration("timeout", 10*time.Second, "cut off a request that runs longer")
	resolverKind := fs.String("resolver", "memory", "answer lookups from the in-memory index (memory) or with a PostGIS query per request (postgis)")
	serveTiles := fs.Bool("tiles", true, "serve vector tiles, TileJSON and styles from memory")
	cacheMB := fs.Int("tile-cache-mb", 256, "memory for cached tiles, in MiB")
	privateToken := fs.String("private-token", os.Getenv("GRIDMAP_PRIVATE_TOKEN"), "bearer token that unlocks the private tileset with households (env GRIDMAP_PRIVATE_TOKEN); empty: households are not served")
	webDir := fs.String("web", "web", "folder of the map page served at / (empty: no page)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *resolverKind != "memory" && *resolverKind != "postgis" {
		return geo.FieldError("-resolver", "%q is not memory or postgis", *resolverKind)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	deps := api.Deps{Resolver: db, Households: db, Ready: db.Ping, Log: log, Timeout: *timeout}

	// One read of the data at one change-log position feeds both the index and the tiles;
	// each then follows the log on its own.
	var st postgis.State
	if *resolverKind == "memory" || *serveTiles {
		start := time.Now()
		if st, err = db.StateAt(ctx, *serveTiles, *serveTiles); err != nil {
			return err
		}
		log.Info("data read", "units", len(st.Units), "features", len(st.Features), "households", len(st.Households),
			"change_seq", st.Seq, "took", time.Since(start).Round(time.Millisecond))
	}
	if *resolverKind == "memory" {
		start := time.Now()
		ix, err := index.NewLive(st.Units, st.People, st.Seq)
		if err != nil {
			return err
		}
		log.Info("resolver index built", "took", time.Since(start).Round(time.Millisecond))
		// Follow the change log so edits reach lookups within a second, without a restart.
		go db.Follow(ctx, ix, 250*time.Millisecond, log, postgis.UnitEntity, postgis.ResponsibilityEntity)
		deps.Resolver = ix
		deps.IndexStatus = func(ctx context.Context) map[string]any {
			st := map[string]any{"change_seq": ix.Seq(), "built_at": ix.BuiltAt(), "age_seconds": time.Since(ix.BuiltAt()).Seconds()}
			if latest, err := db.LatestSeq(ctx); err == nil {
				st["lag_changes"] = latest - ix.Seq()
			}
			return st
		}
	}
	if *serveTiles {
		start := time.Now()
		svc, err := tiles.NewService(tiles.State{Seq: st.Seq, Units: st.Units, People: st.People,
			Features: st.Features, Households: st.Households}, int64(*cacheMB)<<20)
		if err != nil {
			return err
		}
		log.Info("tile sets built", "took", time.Since(start).Round(time.Millisecond))
		go db.Follow(ctx, svc, 250*time.Millisecond, log)
		deps.Tiles = svc
		if *privateToken != "" {
			deps.AuthorizePrivate = bearer(*privateToken)
		}
	}
	st = postgis.State{} // the index and the tile sets keep what they need
	if *webDir != "" {
		deps.WebDir = *webDir
	}
	handler := api.New(deps)
	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		// No ReadTimeout: a batch body streams for as long as it lasts; handlers set their own
		// deadlines.
		IdleTimeout: 2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", *addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bearer lets through requests that carry the token as "Authorization: Bearer <token>" or,
// for map clients that cannot set headers, as ?token=<token>.
func bearer(token string) func(r *http.Request) error {
	return func(r *http.Request) error {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			got = r.URL.Query().Get("token")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return geo.Errorf(geo.Forbidden, "the private tileset (households) needs a valid bearer token")
		}
		return nil
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
