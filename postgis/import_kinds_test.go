package postgis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// TestEveryKindHasAnImporter imports an empty file of every kind: each must reach its own
// reader, which refuses the file naming it, and a kind without an importer is Invalid.
func TestEveryKindHasAnImporter(t *testing.T) {
	db := pgtest.DB(t)
	for _, k := range importfile.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			_, err := db.Import(context.Background(), k, k.File, strings.NewReader(""), nil)
			var ie *geo.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("want the reader's ImportError, got %T %v", err, err)
			}
			if ie.File != k.File {
				t.Errorf("error names %q, want %q", ie.File, k.File)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		_, err := db.Import(context.Background(), importfile.Kind{Name: "parcels", File: "parcels.csv"}, "parcels.csv", strings.NewReader(""), nil)
		var ie *geo.ImportError
		if geo.KindOf(err) != geo.Invalid || errors.As(err, &ie) {
			t.Errorf("got %T %v, want a plain Invalid error", err, err)
		}
	})
}
