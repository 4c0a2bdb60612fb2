package wire

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

// The odd shapes encoding/json accepts still read as they did: the fast parser leaves them
// to it, and each point comes out as encoding/json reads it (pointFromJSON), its id as
// encoding/json writes it back.
func TestJSONOddShapes(t *testing.T) {
	body := `[[1,2,3], {"LON":1,"lat":2}, {"lon":1,"lat":2,"lon":3}, [1,null], {"lon":1}, [1], "x", {"lon":1,"lat":2,"id":"\u0041"}, {"lon":1e0,"lat":2,"extra":{"a":[1]}}, {"lon":1,"lat":2,"id":17}, [3, 4]]`
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(body), &raws); err != nil {
		t.Fatal(err)
	}
	src := NewJSONPoints(iotest.HalfReader(strings.NewReader(body)))
	var p Point
	for i, raw := range raws {
		more, err := src.Next(&p)
		if !more || err != nil {
			t.Fatalf("point %d: more %v, err %v", i, more, err)
		}
		want := pointFromJSON(raw)
		var wantID []byte
		if want.ID != nil {
			wantID = appendEncodedID(nil, want.ID)
		}
		if got, w := describe(p.ID, p.Lon, p.Lat, p.Err), describe(wantID, want.Lon, want.Lat, want.Err); got != w {
			t.Fatalf("point %d %s: read %s, encoding/json reads %s", i, raw, got, w)
		}
	}
	if more, err := src.Next(&p); more || err != nil {
		t.Fatalf("after the last point: more %v, err %v", more, err)
	}
}

func describe(id []byte, lon, lat float64, err error) string {
	return fmt.Sprintf("id %s lon %v lat %v err %v", id, lon, lat, err)
}
