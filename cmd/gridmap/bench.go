package main

import (
	"context"

	"github.com/gridmap/gridmap/bench"
)

func init() {
	register("bench", bench.Summary, runBench)
}

// runBench is `gridmap bench`: the harness and its sections live in package bench.
func runBench(ctx context.Context, args []string) error {
	return bench.Main(ctx, newFlags("bench", bench.Usage), args, envOr("DATABASE_URL", defaultDatabaseURL))
}
