package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// What anyone can read carries no household and no unit head's phone: public tiles decoded
// feature by feature, and anonymous lookups at the households' own points, are scanned for
// every household id, address and unit head's phone of the sample.
func TestPublicAnswersCarryNoPersonalData(t *testing.T) {
	_, _, srv := tileServer(t)
	ctx := context.Background()
	secret := map[string]bool{}
	rows, err := pgtest.Pool(t).Query(ctx, `
		SELECT p.phone FROM people p JOIN responsibilities r ON r.person_id = p.id WHERE r.role = 'unit_head'
		UNION SELECT id FROM households UNION SELECT address FROM households`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		secret[s] = true
	}
	if len(secret) < 1000 {
		t.Fatalf("only %d personal values to look for", len(secret))
	}
	var points []orb.Point
	prow, err := pgtest.Pool(t).Query(ctx, `SELECT ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 300`)
	if err != nil {
		t.Fatal(err)
	}
	for prow.Next() {
		var p orb.Point
		if err := prow.Scan(&p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		points = append(points, p)
	}
	check := func(where, text string) {
		t.Helper()
		for _, word := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("\"{}[],: ", r) }) {
			if secret[word] {
				t.Fatalf("%s shows %q", where, word)
			}
		}
	}
	seen := map[maptile.Tile]bool{}
	for _, p := range points {
		a := call(t, "GET", fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", srv.URL, p[0], p[1]), "", "")
		if a.status != 200 {
			t.Fatalf("lookup at a household: %d %s", a.status, a.body)
		}
		check("an anonymous lookup", a.body)
		for _, z := range []maptile.Zoom{12, 14, 16} {
			tl := maptile.At(p, z)
			if seen[tl] {
				continue
			}
			seen[tl] = true
			r := getTile(t, tileURL(srv, "public", tl))
			if r.status == 204 {
				continue
			}
			ls, err := mvt.Unmarshal(r.body)
			if err != nil {
				t.Fatalf("tile %v: %v", tl, err)
			}
			for _, l := range ls {
				if l.Name == "household" {
					t.Fatalf("public tile %v has a household layer", tl)
				}
				for _, f := range l.Features {
					for k, v := range f.Properties {
						check(fmt.Sprintf("public tile %v layer %s", tl, l.Name), fmt.Sprint(k, " ", v))
					}
				}
			}
		}
	}
}
