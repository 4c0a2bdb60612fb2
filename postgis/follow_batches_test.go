package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/jackc/pgx/v5"
)

// recordingSink keeps every batch the follower applies, so a test can check exactly what was
// read, and counts how often the follower asks for its position (once per read of the log).
type recordingSink struct {
	mu      sync.Mutex
	seq     int64
	batches []geo.Changes
	asks    atomic.Int64
}

func (s *recordingSink) Seq() int64 {
	s.asks.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

func (s *recordingSink) Apply(ch geo.Changes) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, ch)
	s.seq = max(s.seq, ch.Seq)
	return nil
}

func (s *recordingSink) recorded() []geo.Changes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// follow runs db.Follow into sink until the test ends.
func follow(t *testing.T, db *postgis.DB, sink geo.ChangeSink, interval time.Duration, entities ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.Follow(ctx, sink, interval, slog.New(slog.NewTextHandler(io.Discard, nil)), entities...)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func latestSeq(t *testing.T, db *postgis.DB) int64 {
	t.Helper()
	seq, err := db.LatestSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// waitForSeq waits until the sink has reached seq.
func waitForSeq(t *testing.T, sink *recordingSink, seq int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for sink.Seq() < seq {
		if time.Now().After(deadline) {
			t.Fatalf("the follower is at %d after %v, want %d", sink.Seq(), within, seq)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := pgtest.Pool(t).Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// A follower of units reads a unit edit and a feature edit committed since its snapshot as
// one batch up to the newest commit: the unit once, nothing of the feature, and no other
// unit. Then, with nothing new, it applies nothing more however often it looks.
func TestFollowAppliesEachCommitOnce(t *testing.T) {
	db := pgtest.DB(t)
	twoGrids(t, db, "990805", 125, [2]string{"一网格", "二网格"})
	exec(t, `UPDATE units SET name = '测试村（改）' WHERE code = '990805001001'`)
	_, _, seq, err := db.SnapshotAt(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, `UPDATE units SET name = '一网格（改）' WHERE code = '990805001001001'`)
	exec(t, `INSERT INTO features (id, layer, name, county_code, geom) VALUES
		('990805-f1', 'courtyard', '院子', '990805', ST_GeomFromText('POLYGON((125 31, 125.01 31, 125.01 31.01, 125 31.01, 125 31))', 4326))`)
	latest := latestSeq(t, db)
	if latest != seq+2 {
		t.Fatalf("after two commits the log is at %d, the snapshot at %d", latest, seq)
	}

	sink := &recordingSink{seq: seq}
	follow(t, db, sink, 20*time.Millisecond, postgis.UnitEntity)
	waitForSeq(t, sink, latest, 5*time.Second)
	got := sink.recorded()
	if len(got) != 1 || got[0].Seq != latest {
		t.Fatalf("want one batch up to %d, got %d batches: %+v", latest, len(got), got)
	}
	b := got[0]
	if len(b.Units) != 1 || b.Units[0].Code != "990805001001001" || b.Units[0].Name != "一网格（改）" {
		t.Errorf("want the edited grid alone, got units %+v", b.Units)
	}
	if len(b.DeletedUnits) != 0 || len(b.People) != 0 || len(b.Features) != 0 || len(b.DeletedFeatures) != 0 ||
		len(b.Households) != 0 || len(b.DeletedHouseholds) != 0 {
		t.Errorf("a follower of units got more than the unit: %+v", b)
	}

	// Idle: let it read the log a few more times.
	asked, deadline := sink.asks.Load(), time.Now().Add(5*time.Second)
	for sink.asks.Load() < asked+5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(sink.recorded()); n != 1 {
		t.Fatalf("with nothing new the follower applied %d more batches: %+v", n-1, sink.recorded()[1:])
	}

	// A commit of nothing it follows still moves its position, with an empty batch.
	exec(t, `UPDATE features SET name = '院子二' WHERE id = '990805-f1'`)
	latest = latestSeq(t, db)
	waitForSeq(t, sink, latest, 5*time.Second)
	for _, b := range sink.recorded()[1:] {
		if !b.Empty() {
			t.Errorf("a feature edit reached a follower of units: %+v", b)
		}
	}
}

// Deleted features and households reach a follower of those entities as deletes.
func TestFollowReportsDeletedFeaturesAndHouseholds(t *testing.T) {
	db := pgtest.DB(t)
	twoGrids(t, db, "990806", 126, [2]string{"一网格", "二网格"})
	exec(t, `
		INSERT INTO features (id, layer, name, county_code, geom) VALUES
		('990806-f1', 'courtyard', '院子', '990806', ST_GeomFromText('POLYGON((126 31, 126.01 31, 126.01 31.01, 126 31.01, 126 31))', 4326));
		INSERT INTO tenhh_units (code, grid_code) VALUES ('990806001001001001', '990806001001001');
		INSERT INTO households (id, unit_code, geom) VALUES ('990806-h1', '990806001001001001', ST_SetSRID(ST_MakePoint(126.05, 31.05), 4326))`)
	_, _, seq, err := db.SnapshotAt(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	exec(t, `DELETE FROM features WHERE id = '990806-f1'; DELETE FROM households WHERE id = '990806-h1'`)
	latest := latestSeq(t, db)

	sink := &recordingSink{seq: seq}
	follow(t, db, sink, 20*time.Millisecond, postgis.FeatureEntity, postgis.HouseholdEntity)
	waitForSeq(t, sink, latest, 5*time.Second)
	var feats, households []string
	for _, b := range sink.recorded() {
		feats = append(feats, b.DeletedFeatures...)
		households = append(households, b.DeletedHouseholds...)
		if len(b.Features) != 0 || len(b.Households) != 0 || len(b.Units) != 0 {
			t.Errorf("a batch of deletes holds rows: %+v", b)
		}
	}
	if !slices.Equal(feats, []string{"990806-f1"}) || !slices.Equal(households, []string{"990806-h1"}) {
		t.Fatalf("deleted features %v and households %v, want [990806-f1] and [990806-h1]", feats, households)
	}
}

// More commits than one batch holds are read at once, in commit order, without waiting for
// the next poll: the follower reads on while batches come back full.
func TestFollowReadsOnAfterAFullBatch(t *testing.T) {
	db := pgtest.DB(t)
	twoGrids(t, db, "990807", 127, [2]string{"一网格", "二网格"})
	_, _, seq, err := db.SnapshotAt(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The oldest of the commits renames the east grid; 1100 more rename the west one.
	ctx := context.Background()
	_, err = pgtest.Pool(t).Exec(ctx, `
		DO $$ BEGIN
			UPDATE units SET name = '东' WHERE code = '990807001001002';
			COMMIT;
			FOR i IN 1..1100 LOOP
				UPDATE units SET name = '西' || i WHERE code = '990807001001001';
				COMMIT;
			END LOOP;
		END $$`, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	latest := latestSeq(t, db)
	if latest != seq+1101 {
		t.Fatalf("the log is at %d after 1101 commits from %d", latest, seq)
	}

	sink := &recordingSink{seq: seq}
	follow(t, db, sink, time.Hour, postgis.UnitEntity) // reads once at the start, then hourly
	waitForSeq(t, sink, latest, 10*time.Second)
	names := map[string]string{}
	for _, b := range sink.recorded() {
		for _, u := range b.Units {
			names[u.Code] = u.Name
		}
	}
	if names["990807001001002"] != "东" || names["990807001001001"] != "西1100" {
		t.Fatalf("after the batches the grids are named %v", names)
	}
}

// A snapshot reflects the newest commit, LatestSeq reports it, and Lag counts the commits a
// follower has not applied.
func TestSnapshotLatestSeqAndLag(t *testing.T) {
	db := pgtest.DB(t)
	twoGrids(t, db, "990808", 128, [2]string{"一网格", "二网格"})
	exec(t, `UPDATE units SET name = '测试村（改）' WHERE code = '990808001001'`)
	ctx := context.Background()
	_, _, seq, err := db.SnapshotAt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest := latestSeq(t, db); seq != latest || seq < 2 {
		t.Fatalf("the snapshot is at %d, the log at %d", seq, latest)
	}
	if n, s, err := db.Lag(ctx, seq); err != nil || n != 0 || s != 0 {
		t.Fatalf("Lag at the newest commit: %d commits, %v s, %v", n, s, err)
	}
	exec(t, `UPDATE units SET name = '一网格（改）' WHERE code = '990808001001001'`)
	if latest := latestSeq(t, db); latest != seq+1 {
		t.Fatalf("after one commit the log is at %d, want %d", latest, seq+1)
	}
	if n, s, err := db.Lag(ctx, seq); err != nil || n != 1 || s < 0 {
		t.Fatalf("Lag one commit behind: %d commits, %v s, %v", n, s, err)
	}
}
