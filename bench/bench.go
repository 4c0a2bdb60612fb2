// Package bench is `gridmap bench`: it measures the in-memory paths gridmap serves from (the
// resolver index, its live updates, the HTTP API, the batch endpoint, the tile service)
// against PostGIS doing the same work in the same run, and prints one table. It is a tool
// beside the service, not part of it: nothing that serves imports it. The raw-PostGIS
// baselines it measures against are in bench/baseline.
package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/bench/baseline"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis"
)

// Summary is the one line `gridmap` prints for its bench command.
const Summary = "measure the resolver: in-memory index against PostGIS, per point, over HTTP and in batch, in one run and one table"

// Usage is the bench command's usage line, after its name.
const Usage = "[-only index,agree,update,http,batch,tiles,coverage] [section flags]"

// benchSection is one part of `gridmap bench`: its rows go into the one table the command
// prints. Each section lives in a file of its own (http.go, batch.go) and
// registers itself there with one line in init, for example
//
//	func init() { benchSections = append(benchSections, benchSection{Name: "tiles", Order: 40, Run: benchTiles}) }
//
// after which `gridmap bench` runs it with the others and `gridmap bench -only tiles` alone.
// Flags, when set, adds the section's own flags; Run gets the run's shared setup (the
// database, the index, random points, in-process servers) and returns the section's rows.
type benchSection struct {
	Name    string
	Summary string
	Order   int // sections print in this order
	Flags   func(fs *flag.FlagSet)
	Run     func(ctx context.Context, b *benchRun) ([]benchRow, error)
}

var benchSections []benchSection

// benchRow is one line of the table.
type benchRow struct {
	Measure, Figure string
}

// benchRun is what the sections of one run share, each part made on first use: the figures
// of every section come from the same database, the same index and the same random points.
type benchRun struct {
	DB   *postgis.DB
	Base *baseline.DB // the bench's own pool, for the raw-PostGIS baselines
	Seed int64

	box      *[4]float64
	ix       *index.Index
	ixInfo   indexInfo
	servers  map[string]string // resolver kind → base URL of an API served in this process
	shutdown []func()
}

// indexInfo is what building the index cost.
type indexInfo struct {
	build time.Duration
	heap  uint64 // bytes the index keeps, after a GC
}

// Main runs `gridmap bench` with args, its flags defined on fs, against the database at
// databaseURL, and prints the table.
func Main(ctx context.Context, fs *flag.FlagSet, args []string, databaseURL string) error {
	var names []string
	for _, s := range sortedSections() {
		names = append(names, s.Name)
	}
	only := fs.String("only", strings.Join(names, ","), "sections to run, comma-separated: "+sectionList())
	seed := fs.Int64("seed", 1, "random seed of the points")
	for _, s := range benchSections {
		if s.Flags != nil {
			s.Flags(fs)
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var run []benchSection
	for _, name := range strings.Split(*only, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(benchSections, func(s benchSection) bool { return s.Name == name })
		if i < 0 {
			return geo.FieldError("-only", "%q is not a section; the sections are %s", name, sectionList())
		}
		run = append(run, benchSections[i])
	}
	sort.SliceStable(run, func(i, j int) bool { return run[i].Order < run[j].Order })

	db, err := postgis.Open(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	base, err := baseline.Open(ctx, databaseURL)
	if err != nil {
		return err
	}
	defer base.Close()
	b := &benchRun{DB: db, Base: base, Seed: *seed, servers: map[string]string{}}
	defer b.close()

	fmt.Printf("| section | measure | figure |\n|---|---|---|\n")
	fmt.Printf("| | machine | %d CPUs (GOMAXPROCS %d), %s |\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	for _, s := range run {
		fmt.Fprintf(os.Stderr, "bench: %s: %s\n", s.Name, s.Summary)
		rows, err := s.Run(ctx, b)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, r := range rows {
			fmt.Printf("| %s | %s | %s |\n", s.Name, r.Measure, r.Figure)
		}
	}
	return nil
}

func sortedSections() []benchSection {
	s := slices.Clone(benchSections)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Order < s[j].Order })
	return s
}

func sectionList() string {
	var parts []string
	for _, s := range sortedSections() {
		parts = append(parts, s.Name+" ("+s.Summary+")")
	}
	return strings.Join(parts, ", ")
}

func (b *benchRun) close() {
	for i := len(b.shutdown) - 1; i >= 0; i-- {
		b.shutdown[i]()
	}
}

// Box returns the bounding box of the counties in the database: random points are drawn
// from it, so about half of them fall outside the data, as real traffic from a map does.
func (b *benchRun) Box(ctx context.Context) ([4]float64, error) {
	if b.box == nil {
		x, err := b.Base.CountyBox(ctx)
		if err != nil {
			return x, err
		}
		b.box = &x
	}
	return *b.box, nil
}

// Points returns n random points of the box, the same for the same seed and salt (each
// section draws its own, with its own salt).
func (b *benchRun) Points(ctx context.Context, n int, salt int64) ([][2]float64, error) {
	box, err := b.Box(ctx)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewSource(b.Seed + salt))
	pts := make([][2]float64, n)
	for i := range pts {
		pts[i] = [2]float64{box[0] + rng.Float64()*(box[2]-box[0]), box[1] + rng.Float64()*(box[3]-box[1])}
	}
	return pts, nil
}

// Index builds the in-memory index from PostGIS once, measuring the time and the heap it
// keeps.
func (b *benchRun) Index(ctx context.Context) (*index.Index, indexInfo, error) {
	if b.ix != nil {
		return b.ix, b.ixInfo, nil
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	units, people, err := b.DB.Snapshot(ctx)
	if err != nil {
		return nil, indexInfo{}, err
	}
	ix, err := index.Build(units, people)
	if err != nil {
		return nil, indexInfo{}, err
	}
	build := time.Since(start)
	units, people = nil, nil // what stays is the index's
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ix = ix
	b.ixInfo = indexInfo{build: build, heap: after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)}
	return ix, b.ixInfo, nil
}

// Server serves the API from this process on a loopback port, answering lookups as
// `gridmap serve -resolver kind` does: "memory" from a live in-memory index built from a
// snapshot of the database, "postgis" with a PostGIS query per request. It returns the base
// URL; the server stops when the run ends.
func (b *benchRun) Server(ctx context.Context, kind string) (string, error) {
	if url, ok := b.servers[kind]; ok {
		return url, nil
	}
	var resolver geo.Resolver = b.DB
	switch kind {
	case "postgis":
	case "memory":
		units, people, seq, err := b.DB.SnapshotAt(ctx)
		if err != nil {
			return "", err
		}
		live, err := index.NewLive(units, people, seq)
		if err != nil {
			return "", err
		}
		resolver = live
	default:
		return "", fmt.Errorf("no resolver %q", kind)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := &http.Server{
		Handler:           api.New(api.Deps{Resolver: resolver, Households: b.DB, Ready: b.DB.Ping, Log: quiet}),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go srv.Serve(ln)
	b.shutdown = append(b.shutdown, func() { srv.Close() })
	url := "http://" + ln.Addr().String()
	b.servers[kind] = url
	return url, nil
}
