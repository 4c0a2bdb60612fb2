package main

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
)

func init() {
	register("status", "print what the database holds (units per level, households)", runStatus)
}

func runStatus(ctx context.Context, args []string) error {
	fs := newFlags("status", "[-count-units]")
	onlyUnits := fs.Bool("count-units", false, "print only the number of units (for scripts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	if *onlyUnits {
		n := 0
		for _, l := range geo.LevelNames() {
			n += counts[l]
		}
		fmt.Println(n)
		return nil
	}
	for _, k := range append(geo.LevelNames(), "features", "tenhh_units", "households", "people", "changes") {
		fmt.Printf("%-12s %d\n", k, counts[k])
	}
	return nil
}
