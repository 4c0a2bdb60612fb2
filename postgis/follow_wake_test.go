package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

// A follower whose poll would not come for an hour still sees an edit at once: the change
// log's NOTIFY wakes it.
func TestFollowerWokenByNotify(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := twoGrids(t, db, "990819", 131, [2]string{"一网格", "二网格"})
	go db.Follow(ctx, live, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// The follower catches up once on start; edits after that wait for a notification.
	for i, name := range []string{"二网格 改", "二网格 再改"} {
		if i == 0 {
			time.Sleep(200 * time.Millisecond) // let it start and listen
		}
		start := time.Now()
		if _, err := pgtest.Pool(t).Exec(ctx, `UPDATE units SET name = $1 WHERE code = '990819001001002'`, name); err != nil {
			t.Fatal(err)
		}
		for gridNameAt(live, 131.15, 31.05) != name {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("edit %d did not reach the index in 10 s with the poll an hour away: no notification woke the follower", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
