package postgis_test

import (
	"context"
	"os"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Cleanup()
	os.Exit(code)
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := pgtest.DB(t) // already migrated once
	applied, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second run applied %v, want nothing", applied)
	}
	var n int
	if err := pgtest.Pool(t).QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Fatalf("schema_migrations has %d rows, want at least 5", n)
	}
}

func TestSchemaRejectsBadCodes(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	exec := func(sql string) error {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, sql); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	if err := exec(`INSERT INTO units (code, level, name) VALUES ('999901', 'county', 'c')`); err != nil {
		t.Fatalf("valid county refused: %v", err)
	}
	cases := map[string]string{
		"town code too short":   `INSERT INTO units (code, level, name, parent_code, parent_level) VALUES ('99990101', 'town', 't', '999901', 'county')`,
		"parent not a prefix":   `INSERT INTO units (code, level, name, parent_code, parent_level) VALUES ('888801001', 'town', 't', '999901', 'county')`,
		"missing parent":        `INSERT INTO units (code, level, name, parent_code, parent_level) VALUES ('777701001', 'town', 't', '777701', 'county')`,
		"unknown level":         `INSERT INTO units (code, level, name) VALUES ('999902', 'province', 'p')`,
		"wrong parent level":    `INSERT INTO units (code, level, name, parent_code, parent_level) VALUES ('999901001001', 'village', 'v', '999901001', 'county')`,
		"self-intersecting geo": `INSERT INTO units (code, level, name, geom) VALUES ('999903', 'county', 'c', ST_Multi('SRID=4326;POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))'::geometry))`,
	}
	for name, sql := range cases {
		t.Run(name, func(t *testing.T) {
			if err := exec(sql); err == nil {
				t.Fatalf("accepted: %s", sql)
			}
		})
	}
	var changes int
	pgtest.Pool(t).QueryRow(ctx, `SELECT count(*) FROM changes WHERE key = '999901'`).Scan(&changes)
	if changes != 1 {
		t.Fatalf("change log has %d rows for the inserted county, want 1", changes)
	}
}
