// Command gridmap is the grid map service: it migrates and loads the PostGIS database,
// generates sample counties, and serves the lookup API and map tiles.
//
// Each subcommand lives in a file of its own and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
)

// command is one subcommand: its one-line summary and what it runs with the remaining args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

func usage() {
	fmt.Fprintf(os.Stderr, "gridmap: grid-based local governance mapping\n\nUsage: gridmap <command> [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(os.Stderr, "\nRun 'gridmap <command> --help' for a command's flags.\nThe database is DATABASE_URL (default %s).\n", defaultDatabaseURL)
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gridmap: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		msg := err.Error()
		// The operator at the command line gets the cause a client of the API never sees.
		var ge *geo.Error
		if errors.As(err, &ge) && ge.Kind == geo.Unavailable && ge.Err != nil {
			msg += " (" + ge.Err.Error() + ")"
		}
		fmt.Fprintf(os.Stderr, "gridmap %s: %s\n", os.Args[1], msg)
		if geo.KindOf(err) == geo.Invalid {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// defaultDatabaseURL is the cluster that scripts/up.sh starts.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:54329/gridmap?sslmode=disable"

// newFlags returns a flag set for a subcommand whose --help prints its usage line and flags.
func newFlags(name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet("gridmap "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gridmap %s %s\n\n%s\n\nFlags:\n", name, usageLine, commands[name].summary)
		fs.PrintDefaults()
	}
	return fs
}

// openDB connects to DATABASE_URL.
func openDB(ctx context.Context) (*postgis.DB, error) {
	return postgis.Open(ctx, envOr("DATABASE_URL", defaultDatabaseURL))
}
