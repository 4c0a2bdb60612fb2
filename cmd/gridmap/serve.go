package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var resolver geo.Resolver = db
	var indexStatus func(ctx context.Context) map[string]any
	switch *resolverKind {
	case "postgis":
	case "memory":
		start := time.Now()
		units, people, seq, err := db.SnapshotAt(ctx)
		if err != nil {
			return err
		}
		ix, err := index.NewLive(units, people, seq)
		if err != nil {
			return err
		}
		log.Info("resolver index built", "units", len(units), "change_seq", seq, "took", time.Since(start).Round(time.Millisecond))
		// Follow the change log so edits reach lookups within a second, without a restart.
		go db.Follow(ctx, ix, 250*time.Millisecond, log, postgis.UnitEntity, postgis.ResponsibilityEntity)
		resolver = ix
		indexStatus = func(ctx context.Context) map[string]any {
			st := map[string]any{"change_seq": ix.Seq(), "built_at": ix.BuiltAt(), "age_seconds": time.Since(ix.BuiltAt()).Seconds()}
			if latest, err := db.LatestSeq(ctx); err == nil {
				st["lag_changes"] = latest - ix.Seq()
			}
			return st
		}
	default:
		return geo.FieldError("-resolver", "%q is not memory or postgis", *resolverKind)
	}
	handler := api.New(api.Deps{Resolver: resolver, Households: db, Ready: db.Ping, IndexStatus: indexStatus, Log: log, Timeout: *timeout})
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

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
