package api_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// oneOverlap reports a single overlap: a square around a point of the sample county.
type oneOverlap struct{ at gridPoint }

func (o oneOverlap) CoverageReport(_ context.Context, code string) (geo.CoverageReport, error) {
	const h = 0.03
	p := o.at
	r := geo.CoverageReport{Root: code, Level: geo.County, Findings: []geo.Finding{{
		Kind: geo.Overlap, Severity: geo.SeverityError, Parent: code, Units: []string{p.Code, p.Code + "x"}, Area: 1e7,
		Geom:    orb.Polygon{{{p.Lon - h, p.Lat - h}, {p.Lon + h, p.Lat - h}, {p.Lon + h, p.Lat + h}, {p.Lon - h, p.Lat + h}, {p.Lon - h, p.Lat - h}}},
		Message: "test overlap",
	}}}
	r.Summarize()
	return r, nil
}

// The dashboard's coverage switch: on the real sample (PostGIS's report) it says there is
// no gap and no overlap; with a report that has an overlap, the overlap is drawn in the
// findings' red over the map, and the count is shown.
func TestDashboardCoverageFindings(t *testing.T) {
	browser := os.Getenv("GRIDMAP_BROWSER")
	if browser == "" {
		t.Skip("GRIDMAP_BROWSER is not set (scripts/test.sh sets it)")
	}
	db, _ := sampleServer(t)
	target := gridInterior(t, db)
	page := openBrowser(t, browser)
	toggle := `(() => { const i = document.getElementById('findings-toggle'); i.click(); return true; })()`
	note := `(() => { const n = document.getElementById('findings-note'); return n && n.textContent !== '…' ? n.textContent : ''; })()`

	real, _ := mapPageServer(t, db, func(d *api.Deps) { d.Coverage = db })
	page.do(t, chromedp.Navigate(real.URL+"/"))
	page.idle(t)
	eval[bool](t, page, toggle)
	if got := page.poll(t, note); !strings.Contains(got, "无缺口") {
		t.Errorf("the sample's coverage note says %q", got)
	}

	stub, _ := mapPageServer(t, db, func(d *api.Deps) { d.Coverage = oneOverlap{target} })
	page.do(t, chromedp.Navigate(stub.URL+"/#9/"+ftoa(target.Lat)+"/"+ftoa(target.Lon)))
	page.idle(t)
	before := redPixels(t, page.screenshot(t))
	eval[bool](t, page, toggle)
	if got := page.poll(t, note); !strings.HasPrefix(got, "1 ") {
		t.Errorf("the coverage note says %q, want one finding", got)
	}
	eval[bool](t, page, `new Promise((done) => window.gridmapMap.once('idle', () => done(true)))`)
	if after := redPixels(t, page.screenshot(t)); after-before < 100 {
		t.Errorf("%d red pixels before the switch, %d after: the overlap is not drawn", before, after)
	}
}

// redPixels counts the pixels in the findings' red (an error's fill over the map, or its line).
func redPixels(t *testing.T, shot []byte) int {
	t.Helper()
	n, _ := countPixels(t, shot, func(c [3]int) bool { return c[0] > 180 && c[1] < 110 && c[2] < 110 })
	return n
}
