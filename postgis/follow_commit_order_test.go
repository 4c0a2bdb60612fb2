package postgis_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/jackc/pgx/v5"
)

// An edit reaches the live index within a second however long other transactions stay open:
// one in another database of the cluster that never touches gridmap, and one here that has
// written a log row earlier than the edit and commits only afterwards. The earlier writer's
// edit is not lost when it finally commits.
func TestFollowDoesNotWaitForOtherTransactions(t *testing.T) {
	db := pgtest.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	connect := func(dbname string) *pgx.Conn {
		t.Helper()
		u, err := url.Parse(pgtest.URL())
		if err != nil {
			t.Fatal(err)
		}
		if dbname != "" {
			u.Path = "/" + dbname
		}
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	here := connect("")
	live := twoGrids(t, db, "990804", 124, [2]string{"一网格", "二网格"})
	go db.Follow(ctx, live, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	waitFor := func(what string, lon float64, name string) {
		t.Helper()
		deadline := time.Now().Add(time.Second)
		for gridNameAt(live, lon, 31.05) != name {
			if time.Now().After(deadline) {
				t.Fatalf("%s did not reach the index within a second: grid at %v is %q (index at %d)", what, lon, gridNameAt(live, lon, 31.05), live.Seq())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// Open elsewhere: a transaction in another database holding the cluster's oldest xid.
	other := connect("postgres")
	otherTx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer otherTx.Rollback(context.Background())
	if _, err := otherTx.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil {
		t.Fatal(err)
	}
	// Open here: a writer whose log row comes before the edit's.
	early := connect("")
	earlyTx, err := early.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer earlyTx.Rollback(context.Background())
	if _, err := earlyTx.Exec(ctx, `UPDATE units SET name = '一网格（早）' WHERE code = '990804001001001'`); err != nil {
		t.Fatal(err)
	}

	if _, err := here.Exec(ctx, `UPDATE units SET name = '二网格（后）' WHERE code = '990804001001002'`); err != nil {
		t.Fatal(err)
	}
	waitFor("an edit committed while other transactions are open", 124.15, "二网格（后）")
	if got := gridNameAt(live, 124.05, 31.05); got != "一网格" {
		t.Fatalf("an uncommitted edit is visible: %q", got)
	}

	if err := earlyTx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("the earlier writer's edit, committed last", 124.05, "一网格（早）")
	if got := gridNameAt(live, 124.15, 31.05); got != "二网格（后）" {
		t.Fatalf("the later edit was lost: %q", got)
	}
}
