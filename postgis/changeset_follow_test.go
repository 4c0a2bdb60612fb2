package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
)

// A published split reaches the in-memory index through the change log, like any edit:
// the new half then resolves to the new grid. Until the publish it does not.
func TestPublishedSplitReachesTheIndex(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := twoGrids(t, db, "990512", 130, [2]string{"一网格", "二网格"})
	go db.Follow(ctx, live, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const village, grid1, made = "990512001001", "990512001001001", "990512001001003"
	deepest := func() string {
		c, err := live.Resolve(ctx, 130.01, 31.05)
		if err != nil || len(c.Links) == 0 {
			t.Fatalf("resolve: %v %+v", err, c)
		}
		return c.Links[len(c.Links)-1].Code
	}
	cs, err := db.OpenChangeSet(ctx, village, "split", "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SplitUnit(ctx, cs.ID, grid1, orb.LineString{{130.03, 30.99}, {130.03, 31.11}}, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // several polls: a draft must not reach the index
	if got := deepest(); got != grid1 {
		t.Fatalf("before publish the point resolves to %s, want %s", got, grid1)
	}
	if _, err := db.PublishChangeSet(ctx, cs.ID, "p", ""); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); deepest() != made; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the index still answers %s (at seq %d), want %s", deepest(), live.Seq(), made)
		}
	}
}
