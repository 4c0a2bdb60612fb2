package main

import (
	"context"
	"fmt"
)

func init() {
	register("migrate", "apply the database migrations that have not run yet", runMigrate)
}

func runMigrate(ctx context.Context, args []string) error {
	fs := newFlags("migrate", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Printf("applied %s\n", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Println("schema is up to date")
	}
	return err
}
