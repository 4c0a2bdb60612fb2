package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

func init() {
	register("keys", "create, list and revoke API keys for other systems", runKeys)
}

func runKeys(ctx context.Context, args []string) error {
	fs := newFlags("keys", "create -name NAME -grant ROLE[:TERRITORY] [-grant ...]\n       gridmap keys list\n       gridmap keys revoke ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return geo.Errorf(geo.Invalid, "expected create, list or revoke")
	}
	switch fs.Arg(0) {
	case "create":
		return createKey(ctx, fs.Args()[1:])
	case "list":
		return listKeys(ctx)
	case "revoke":
		if fs.NArg() != 2 {
			return geo.Errorf(geo.Invalid, "keys revoke takes one key id")
		}
		db, err := openDB(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.RevokeKey(ctx, fs.Arg(1)); err != nil {
			return err
		}
		fmt.Printf("revoked %s\n", fs.Arg(1))
		return nil
	}
	return geo.Errorf(geo.Invalid, "unknown keys command %q: expected create, list or revoke", fs.Arg(0))
}

// grantFlags collects repeated -grant flags.
type grantFlags []access.Grant

func (g *grantFlags) String() string { return fmt.Sprint(*g) }
func (g *grantFlags) Set(s string) error {
	gr, err := access.ParseGrant(s)
	if err != nil {
		return err
	}
	*g = append(*g, gr)
	return nil
}

func createKey(ctx context.Context, args []string) error {
	fs := newFlags("keys", "create -name NAME -grant ROLE[:TERRITORY] [-grant ...]")
	name := fs.String("name", "", "who or what the key is for (shown in lists)")
	var grants grantFlags
	fs.Var(&grants, "grant", "role:territory, repeatable; roles viewer, grid_worker, planner, admin; territory a unit code (none: every unit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return geo.FieldError("name", "give the key a name (-name)")
	}
	if len(grants) == 0 {
		return geo.FieldError("grant", "give the key at least one -grant role:territory")
	}
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	who := "cli:" + envOr("USER", "unknown")
	k, token, err := db.CreateKey(ctx, *name, grants, who)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created key %s (%s) with %v; the token below is shown only now:\n", k.ID, k.Name, grants)
	fmt.Println(token)
	return nil
}

func listKeys(ctx context.Context) error {
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := db.ListKeys(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tGRANTS\tCREATED\tREVOKED")
	for _, k := range keys {
		revoked := ""
		if k.RevokedAt != nil {
			revoked = k.RevokedAt.Format("2006-01-02 15:04")
		}
		gs := make([]string, len(k.Grants))
		for i, g := range k.Grants {
			gs[i] = g.String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, strings.Join(gs, " "), k.CreatedAt.Format("2006-01-02 15:04"), revoked)
	}
	return w.Flush()
}
