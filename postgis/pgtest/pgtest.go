// Package pgtest gives each test package a fresh, migrated PostGIS database, created in the
// cluster that GRIDMAP_TEST_DATABASE_URL points at (scripts/test.sh sets it) and dropped
// afterwards. Without that variable tests that need PostGIS are skipped, except under CI=true,
// where a missing database is a failure.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/postgis"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	once   sync.Once
	shared *postgis.DB
	pool   *pgxpool.Pool // a second way in, for the tests' own SQL
	setup  error
	dbName string
	admin  string
)

// DB returns the package's migrated test database, creating it on first use. Call Cleanup
// from TestMain after m.Run to drop it.
func DB(t testing.TB) *postgis.DB {
	t.Helper()
	admin = os.Getenv("GRIDMAP_TEST_DATABASE_URL")
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("GRIDMAP_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh")
		}
		t.Skip("GRIDMAP_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh")
	}
	once.Do(func() { shared, pool, setup = create() })
	if setup != nil {
		t.Fatalf("test database: %v", setup)
	}
	return shared
}

// Pool returns a connection pool of its own to the package's test database (DB's), for
// tests that set up or check rows with their own SQL: package postgis keeps its pool to
// itself.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	DB(t)
	return pool
}

func create() (*postgis.DB, *pgxpool.Pool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close(ctx)
	wd, _ := os.Getwd()
	parts := strings.Split(wd, string(os.PathSeparator))
	dbName = fmt.Sprintf("gridmap_test_%s_%d", strings.ReplaceAll(parts[len(parts)-1], "-", "_"), os.Getpid())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{dbName}.Sanitize()); err != nil {
		return nil, nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize()); err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, nil, err
	}
	u.Path = "/" + dbName
	db, err := postgis.Open(ctx, u.String())
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	p, err := pgxpool.New(ctx, u.String())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, p, nil
}

// URL returns the connection URL of the package's test database (after DB was called).
func URL() string {
	u, _ := url.Parse(admin)
	u.Path = "/" + dbName
	return u.String()
}

// Cleanup closes and drops the package's test database, if one was made.
func Cleanup() {
	if shared == nil {
		return
	}
	shared.Close()
	pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if conn, err := pgx.Connect(ctx, admin); err == nil {
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{dbName}.Sanitize()+" WITH (FORCE)")
		conn.Close(ctx)
	}
}
