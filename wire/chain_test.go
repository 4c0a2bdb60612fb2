package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/gridmap/gridmap/geo"
)

// The batch's cache gives the bytes of the chain asked for, shared or new; it keeps caching
// while chains repeat, and stops storing when they do not.
func TestChainCacheBatchLines(t *testing.T) {
	shared := make([]geo.Chain, 5)
	for i := range shared {
		code := fmt.Sprintf("520204%03d", i)
		shared[i] = geo.Chain{Complete: true, Links: []geo.Link{
			{Level: geo.County, Code: "520204"}, {Level: geo.Town, Code: code},
			{Level: geo.Village, Code: code + "200"}, {Level: geo.Grid, Code: code + "200002"}}}
	}
	fresh := func(i int) geo.Chain { // a new chain every time, with a code to escape
		return geo.Chain{Complete: true, Links: []geo.Link{{Level: geo.County, Code: "52\"02\\04"}, {Level: geo.Grid, Code: strconv.Itoa(i)}}}
	}
	c := NewChainCache(BatchLine)
	for i := range 3 * maxChainTails {
		ch := shared[i%5] // shared chains hit
		if i%4 == 0 {
			ch = fresh(i)
		}
		got := string(c.AppendTail(nil, ch))
		if want := string(appendLineTail(nil, ch)); got != want {
			t.Fatalf("point %d: %s, want %s", i, got, want)
		}
	}
	if _, ok := c.m[chainKey{&shared[1].Links[0], 4, true}]; !ok || c.hits.Load() == 0 {
		t.Fatal("three chains in four repeat: caching pays")
	}
	c = NewChainCache(BatchLine)
	for i := range 2 * maxChainTails {
		c.AppendTail(nil, fresh(i))
	}
	if len(c.m) != maxChainTails {
		t.Fatalf("no chain repeats, yet the cache holds %d chains, want it to stop at %d", len(c.m), maxChainTails)
	}
	if got, want := c.AppendTail(nil, geo.Chain{}), appendLineTail(nil, geo.Chain{}); !bytes.Equal(got, want) {
		t.Fatalf("an empty chain: %q, want %q", got, want)
	}
}

// The cache tells apart chains that share their first link's address (a prefix of another
// chain's links), and, when full, either starts over or stops storing, answering right
// either way.
func TestChainTails(t *testing.T) {
	full := []geo.Link{{Level: geo.County, Code: "1"}, {Level: geo.Town, Code: "12"}, {Level: geo.Village, Code: "123"}}
	chains := []geo.Chain{
		{Links: full, Complete: true},
		{Links: full[:2], Missing: "grid"},
		{Links: full[:2], Complete: true},
		{Links: full[:2], Missing: "group"},
		{Links: full[:1], Missing: "grid"},
	}
	c := NewChainCache(LookupAnswer)
	for round := range 3 {
		for _, ch := range chains {
			want := appendAnswerTail([]byte("x"), ch)
			if got := c.AppendTail([]byte("x"), ch); !bytes.Equal(got, want) {
				t.Fatalf("round %d, %+v: %q, want %q", round, ch, got, want)
			}
		}
	}
	if c.hits.Load() == 0 {
		t.Fatal("no hits")
	}

	many := make([]geo.Chain, maxChainTails+10)
	for i := range many {
		many[i] = geo.Chain{Links: []geo.Link{{Level: geo.Grid, Code: strconv.Itoa(i)}}, Complete: true}
	}
	check := func(ch geo.Chain) {
		t.Helper()
		if got, want := c.AppendTail(nil, ch), appendAnswerTail(nil, ch); !bytes.Equal(got, want) {
			t.Fatalf("%+v: %q, want %q", ch, got, want)
		}
	}
	c = NewChainCache(LookupAnswer)
	for _, ch := range many {
		check(ch)
	}
	if len(c.m) != maxChainTails {
		t.Fatalf("a cache without hits holds %d chains, want it to stop at %d", len(c.m), maxChainTails)
	}
	for _, ch := range many[:maxChainTails] {
		check(ch) // all hits
	}
	check(many[len(many)-1]) // paid off: starts over
	if len(c.m) != 1 || c.hits.Load() != 0 {
		t.Fatalf("after starting over: %d chains, %d hits", len(c.m), c.hits.Load())
	}
}

// appendAnswerTail also handles what an index never hands out: no people (null) and no
// links (null), as encoding/json writes them.
func TestAppendAnswerTailNulls(t *testing.T) {
	for _, ch := range []geo.Chain{
		{Links: []geo.Link{{Level: geo.County, Code: "1", Name: "n"}}, Complete: false, Missing: "grid"},
		{Links: []geo.Link{{Level: geo.Grid, Code: "1", People: []geo.Person{}}}, Complete: true},
		{Links: []geo.Link{{Level: geo.Town, Code: "\u2028", People: []geo.Person{{Role: "r"}}}}, Missing: "x\"y"},
	} {
		want := bytes.TrimPrefix(encodeJSON(t, NewAnswer(0, 0, ch)), []byte(`{"point":{"lon":0,"lat":0}`))
		if got := appendAnswerTail(nil, ch); string(got) != string(want) {
			t.Errorf("%+v:\ngot  %s\nwant %s", ch, got, want)
		}
	}
	var empty geo.Chain
	empty.Complete = true
	want := bytes.TrimPrefix(encodeJSON(t, Answer{Chain: empty}), []byte(`{"point":{"lon":0,"lat":0}`))
	if got := appendAnswerTail(nil, empty); string(got) != string(want) {
		t.Errorf("no links:\ngot  %s\nwant %s", got, want)
	}
}

// encodeJSON encodes v as writeJSON does.
func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
