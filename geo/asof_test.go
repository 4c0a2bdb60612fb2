package geo_test

import (
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
)

func TestParseAt(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2026-11-30", want: time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)}, // midnight in Shanghai
		{in: "2026-11-30T08:00:00+08:00", want: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{in: "2026-11-30T08:00:00 08:00", want: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, // '+' read as a space
		{in: "2026-11-30T00:00:00.25Z", want: time.Date(2026, 11, 30, 0, 0, 0, 250e6, time.UTC)},
		{in: "2999-01-01", want: now},           // the future is now
		{in: "2026-12-01T03:00:00Z", want: now}, // an hour ahead
		{in: " 2026-11-30 ", want: time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)},
		{in: "", bad: true},
		{in: "yesterday", bad: true},
		{in: "2026-13-01", bad: true},
		{in: "2026-11-30T08:00:00", bad: true}, // no offset: ambiguous
		{in: "30/11/2026", bad: true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := geo.ParseAt(c.in, now)
			if c.bad {
				var ge *geo.Error
				if err == nil {
					t.Fatalf("accepted as %v", got)
				}
				if ge, _ = err.(*geo.Error); ge == nil || ge.Field != "at" || ge.Kind != geo.Invalid {
					t.Errorf("error %v does not name the field at", err)
				}
				return
			}
			if err != nil || !got.Equal(c.want) {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
