package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// askingSink is the live index, counting how often the follower asks for its position (the
// start of each read of the change log), so a test can let it look a few times.
type askingSink struct {
	*index.Live
	asks atomic.Int64
}

func (s *askingSink) Seq() int64 {
	s.asks.Add(1)
	return s.Live.Seq()
}

// A transaction that wrote a change-log row and is still open while a later one commits
// holds the lower sequence number: a follower that reads past it would never see that
// change. Whatever the follower does meanwhile, once the first transaction commits both
// edits reach the index.
func TestFollowDoesNotSkipAnEditCommittedLate(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := twoGrids(t, db, "990803", 123, [2]string{"甲网格", "乙网格"})
	sink := &askingSink{Live: live}
	go db.Follow(ctx, sink, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// The first edit: written, logged, not committed.
	slow, err := pgtest.Pool(t).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	var slowSeq int64
	if _, err := slow.Exec(ctx, `UPDATE units SET name = '甲网格新' WHERE code = '990803001001001'`); err != nil {
		t.Fatal(err)
	}
	if err := slow.QueryRow(ctx, `SELECT max(seq) FROM changes WHERE key = '990803001001001'`).Scan(&slowSeq); err != nil {
		t.Fatal(err)
	}
	// The second edit, committed at once, with a later sequence number.
	if _, err := pgtest.Pool(t).Exec(ctx, `UPDATE units SET name = '乙网格新' WHERE code = '990803001001002'`); err != nil {
		t.Fatal(err)
	}
	var fastSeq int64
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT max(seq) FROM changes WHERE key = '990803001001002'`).Scan(&fastSeq); err != nil {
		t.Fatal(err)
	}
	if fastSeq <= slowSeq {
		t.Fatalf("the committed edit has seq %d, the open one %d: the test needs a gap", fastSeq, slowSeq)
	}

	// Let the follower read the log a few times with the gap open (at most a few seconds,
	// should a redesigned follower not ask for its position on each read).
	asked, deadline := sink.asks.Load(), time.Now().Add(3*time.Second)
	for sink.asks.Load() < asked+5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("with the gap open (%d reads) the index is at seq %d (open edit %d, committed edit %d)", sink.asks.Load()-asked, live.Seq(), slowSeq, fastSeq)
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	// Other test packages share the cluster and may hold transactions open for a while:
	// the deadline is generous, and only reached when an edit is lost.
	deadline = time.Now().Add(15 * time.Second)
	for {
		a, b := gridNameAt(live, 123.05, 31.05), gridNameAt(live, 123.15, 31.05)
		if a == "甲网格新" && b == "乙网格新" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after both edits committed the index (at seq %d) shows %q and %q, want 甲网格新 and 乙网格新", live.Seq(), a, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
