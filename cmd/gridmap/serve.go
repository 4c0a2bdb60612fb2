package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/directory"
	"github.com/gridmap/gridmap/geo/households"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/tiles"
)

func init() {
	register("serve", "serve the lookup API on HTTP", runServe)
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "[-addr :8080]")
	addr := fs.String("addr", envOr("ADDR", ":8080"), "address to listen on (env ADDR)")
	timeout := fs.Duration("timeout", 10*time.Second, "cut off a request that runs longer")
	resolverKind := fs.String("resolver", "memory", "answer lookups from the in-memory index (memory) or with a PostGIS query per request (postgis)")
	householdsKind := fs.String("households", "memory", "answer household chains from memory, following the change log (memory), or with PostGIS queries per request (postgis)")
	serveTiles := fs.Bool("tiles", true, "serve vector tiles, TileJSON and styles from memory")
	cacheMB := fs.Int("tile-cache-mb", 256, "memory for cached tiles, in MiB")
	publicURL := fs.String("public-url", envOr("GRIDMAP_PUBLIC_URL", ""), "scheme and host clients reach this server by, for tile URLs in TileJSON and styles (env GRIDMAP_PUBLIC_URL; default: a localhost Host header, else the listening address)")
	webDir := fs.String("web", "web", "folder of the map page served at / (empty: no page)")
	var ac accessFlags
	ac.register(fs)
	var bm basemapFlags
	bm.register(fs)
	pprofAddr := fs.String("pprof-addr", "", "serve Go's profiles (net/http/pprof) on this separate address, e.g. 127.0.0.1:6060, for measuring; never on the public one (empty: off)")
	maxLag := fs.Duration("max-lag", 10*time.Second, "/readyz answers 503 when the index has not applied a commit this old")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *resolverKind != "memory" && *resolverKind != "postgis" {
		return geo.FieldError("-resolver", "%q is not memory or postgis", *resolverKind)
	}
	basemaps, err := bm.parse()
	if err != nil {
		return err
	}
	if *householdsKind != "memory" && *householdsKind != "postgis" {
		return geo.FieldError("-households", "%q is not memory or postgis", *householdsKind)
	}
	householdsInMemory := *householdsKind == "memory"
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	deps := api.Deps{Resolver: db, Households: db, History: db, Ready: db.Ping, Log: log, Timeout: *timeout, Export: db, Project: db,
		ChangeSets: db, Items: db, OGCChangeSets: db, Coverage: db}
	if err := ac.apply(ctx, &deps, db, log); err != nil {
		return err
	}

	// One read of the data at one change-log position feeds both the tiles and the index,
	// which share its units and their geometry; each then follows the log on its own.
	// The unit directory (the dashboard's units, statistics and search) always needs the
	// units, people and households.
	start := time.Now()
	st, err := db.StateAt(ctx, *serveTiles, true)
	if err != nil {
		return err
	}
	log.Info("data read", "units", len(st.Units), "features", len(st.Features), "households", len(st.Households),
		"change_seq", st.Seq, "took", time.Since(start).Round(time.Millisecond))
	dir := directory.New(directory.Input{Seq: st.Seq, Units: st.Units, People: st.People, TenHH: st.TenHH, Households: st.Households})
	go db.Follow(ctx, dir, 250*time.Millisecond, log, postgis.UnitEntity, postgis.ResponsibilityEntity, postgis.HouseholdEntity, postgis.TenHHEntity)
	deps.Directory = dir
	if *serveTiles {
		start := time.Now()
		svc, err := tiles.NewService(st, int64(*cacheMB)<<20) // shares st's units and their geometry
		if err != nil {
			return err
		}
		log.Info("tile sets built", "took", time.Since(start).Round(time.Millisecond))
		go db.Follow(ctx, svc, 250*time.Millisecond, log)
		deps.Tiles = svc
		// Households in tiles only for callers who may read personal data in every county.
		for _, u := range st.Units {
			if u.Level == geo.County {
				deps.PrivateScope = append(deps.PrivateScope, u.Code)
			}
		}
	}
	// Household chains from memory: the grid's chain from the index (once built), else from
	// the database (a grid without a boundary, or -resolver postgis).
	var live *index.Live
	if householdsInMemory {
		hs := households.New(st, func(ctx context.Context, code string) (geo.Chain, error) {
			if live != nil {
				if c, ok := live.Index().ChainOf(code); ok {
					return c, nil
				}
			}
			return db.ChainOf(ctx, code)
		})
		go db.Follow(ctx, hs, 250*time.Millisecond, log, postgis.HouseholdEntity, postgis.TenHHEntity)
		deps.Households = hs
		log.Info("household chains from memory", "households", hs.Len())
	}
	// The reference features and households are drawn now: let them go before the index is
	// built, so that they are not in memory at the same time (the peak sets the heap's size).
	st.Features, st.Households, st.TenHH = nil, nil, nil
	if *resolverKind == "memory" {
		start := time.Now()
		ix, err := index.NewLive(st.Units, st.People, st.Seq) // shares st's units and their geometry
		if err != nil {
			return err
		}
		log.Info("resolver index built", "took", time.Since(start).Round(time.Millisecond))
		live = ix
		// Follow the change log so edits reach lookups within a second, without a restart.
		go db.Follow(ctx, ix, 250*time.Millisecond, log, postgis.UnitEntity, postgis.ResponsibilityEntity)
		deps.Resolver = ix
		deps.IndexStatus = func(ctx context.Context) map[string]any {
			st := map[string]any{"change_seq": ix.Seq(), "built_at": ix.BuiltAt(), "age_seconds": time.Since(ix.BuiltAt()).Seconds()}
			if commits, secs, err := db.Lag(ctx, ix.Seq()); err == nil {
				st["lag_changes"], st["lag_seconds"] = commits, secs
				st["lagging"] = secs > maxLag.Seconds()
			}
			return st
		}
	}
	st = geo.State{} // the index and the tile sets keep what they need of it
	tuneGC(log)
	if *webDir != "" {
		deps.WebDir = *webDir
	}
	deps.PublicURL = *publicURL
	deps.Basemaps = basemaps
	handler := api.New(deps)
	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		// No ReadTimeout: a batch body streams for as long as it lasts; handlers set their own
		// deadlines.
		IdleTimeout: 2 * time.Minute,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ln = capConnections(ln, ac.maxConns)
	if *pprofAddr != "" {
		go servePprof(*pprofAddr, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", *addr, "max_connections", ac.maxConns)
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

// gcHeadroom is how much garbage serve lets pile up between collections when GOGC is not
// set. Each cycle marks all the data held in memory (the index and the tile sets: about
// 125 MB live for 水城区), and with Go's default (GOGC=100, a cycle per live heap's worth
// of garbage) a cycle of ~80 ms ran about once a second under 20,000-50,000 lookups/s,
// stretching the latency's tail. Measured with 水城区, tiles on, wrk -t1 -c8 on 2 shared
// cores: GOGC 400 took GET /v1/resolve's p99 from 6.4-8.8 ms to 4.6-5.1 ms, for a heap
// of about 650 MB instead of 260 MB (RSS 690 MB instead of 295 MB).
const gcHeadroom = 512 << 20

// tuneGC sets GOGC, unless the environment does, once the data is in memory: high enough
// that gcHeadroom of garbage collects between cycles, at most 400 (small data) and at
// least Go's default 100 (data of gcHeadroom and more keeps the default). The heap then
// peaks at about (1 + GOGC/100) times the live data, which the tile cache
// (-tile-cache-mb) grows as it fills. GOMEMLIMIT, when set, still caps the heap. Either way
// it first returns the garbage of start-up to the operating system.
func tuneGC(log *slog.Logger) {
	// The garbage of start-up (the rows read, the features drawn) goes back to the operating
	// system now rather than staying as heap the lookups may never need: the process starts
	// at about its live data, and grows toward the GC's goal only as traffic makes garbage.
	debug.FreeOSMemory()
	if envOr("GOGC", "") != "" {
		return
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if live[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	bytes := max(live[0].Value.Uint64(), 1)
	percent := int(min(max(uint64(gcHeadroom)*100/bytes, 100), 400))
	debug.SetGCPercent(percent)
	log.Info("garbage collection tuned (GOGC unset)", "gogc", percent, "live_heap_mb", bytes>>20)
}
