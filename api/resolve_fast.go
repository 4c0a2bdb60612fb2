package api

import (
	"bytes"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gridmap/gridmap/geo"
)

// The fast road of GET /v1/resolve. With a resolver that answers from memory without
// allocating (geo/index's Index and Live offer Find), the usual request — lon and lat, maybe
// crs, all plain and valid — is answered by appending the response into a pooled buffer:
// the point, then the chain's JSON, encoded once per chain and cached, or for a point
// outside the data the NotFound error. Nothing is allocated per request. The bytes (status,
// headers, body) are exactly those of the general road, resolvePoint's encoding/json
// answer: TestResolveFastMatchesEncodingJSON compares the two. Anything unusual (a
// parameter that is missing, escaped, not a number or out of range; another resolver) takes
// the general road, which so remains the one place that words the 400s.

// chainFinder is a resolver that looks a point up without allocating: geo/index's Index
// and Live. A miss is false, where Resolve would build a NotFound error.
type chainFinder interface {
	Find(lon, lat float64) (geo.Chain, bool)
}

// jsonContentType is the Content-Type writeJSON sets, as a header value shared by every
// response (net/http only reads it), so that setting it allocates nothing.
var jsonContentType = []string{"application/json; charset=utf-8"}

// fastQueryParams bounds the parameters of a query the fast road reads itself; beyond it
// (and when GODEBUG sets a limit of its own, urlmaxqueryparams) url.ParseQuery decides.
const fastQueryParams = 8

var fastQueryOK = !strings.Contains(os.Getenv("GODEBUG"), "urlmaxqueryparams")

// resolveBufPool holds the buffers answers are appended into.
var resolveBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledResolveBuf: a buffer that grew beyond this (a chain with very many people) is
// left to the garbage collector rather than kept in the pool.
const maxPooledResolveBuf = 64 << 10

// resolvePointFast answers the request and reports true, or reports false without having
// touched w when the request needs the general road.
func (s *Server) resolvePointFast(w http.ResponseWriter, r *http.Request, f chainFinder) bool {
	lonText, latText, crsText, ok := plainQuery(r.URL.RawQuery)
	if !ok {
		return false
	}
	lon, ok := plainCoord(lonText, 180)
	if !ok {
		return false
	}
	lat, ok := plainCoord(latText, 90)
	if !ok {
		return false
	}
	switch crsOf(crsText) {
	case crsWGS84:
	case crsGCJ02:
		lon, lat = geo.GCJ02ToWGS84(lon, lat)
	default:
		return false
	}
	if !finite(lon) || !finite(lat) {
		return false // encoding/json refuses these: the general road answers as it always did
	}
	chain, found := f.Find(lon, lat)
	if found && len(chain.Links) == 0 {
		return false // not a chain an index hands out; the general road answers it
	}

	bp := resolveBufPool.Get().(*[]byte)
	b := (*bp)[:0]
	status := http.StatusOK
	if found {
		// {"point":{"lon":..,"lat":..},"chain":[..],"complete":..,...}: resolveResponse.
		b = append(b, `{"point":{"lon":`...)
		b = appendJSONFloat(b, lon)
		b = append(b, `,"lat":`...)
		b = appendJSONFloat(b, lat)
		b = append(b, '}')
		b = resolveTails.appendTail(b, chain)
	} else {
		// {"error":{..."message":"no unit covers the point lon=.. lat=..: ..."}}: errorBody.
		status = http.StatusNotFound
		b = append(b, `{"error":`...)
		b = appendOutsideDetail(b, lon, lat)
		b = append(b, "}\n"...)
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(b) // as writeJSON, a failed write is the client's loss
	if cap(b) <= maxPooledResolveBuf {
		*bp = b
		resolveBufPool.Put(bp)
	}
	return true
}

// plainQuery returns the first values of lon, lat and crs in a raw query, as
// url.ParseQuery and Values.Get read them, when that takes no decoding: at most
// fastQueryParams parameters, and no percent sign, plus sign or semicolon anywhere in the
// query (so that unescaping changes nothing and no pair is dropped). Otherwise ok is false.
func plainQuery(raw string) (lon, lat, crs string, ok bool) {
	if !fastQueryOK || strings.Count(raw, "&") >= fastQueryParams || strings.ContainsAny(raw, "%+;") {
		return "", "", "", false
	}
	var haveLon, haveLat, haveCRS bool
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, value, _ := strings.Cut(pair, "=")
		switch {
		case key == "lon" && !haveLon:
			lon, haveLon = value, true
		case key == "lat" && !haveLat:
			lat, haveLat = value, true
		case key == "crs" && !haveCRS:
			crs, haveCRS = value, true
		}
	}
	return lon, lat, crs, true
}

// plainCoord parses a coordinate that parseCoord accepts (a finite number within ±limit);
// false for anything parseCoord would reject.
func plainCoord(s string, limit float64) (float64, bool) {
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !finite(v) || math.Abs(v) > limit {
		return 0, false
	}
	return v, true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

type crsKind int

const (
	crsOther crsKind = iota // not known, or not plain ASCII: parseCRS decides
	crsWGS84
	crsGCJ02
)

// crsOf reads the crs parameter as parseCRS does (case-insensitive), for ASCII values.
func crsOf(s string) crsKind {
	if len(s) > len("epsg:4326") {
		return crsOther
	}
	var low [len("epsg:4326")]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return crsOther // strings.ToLower's Unicode rules: parseCRS decides
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(s)]) {
	case "", "wgs84", "cgcs2000", "epsg:4326", "epsg:4490":
		return crsWGS84
	case "gcj02", "gcj-02":
		return crsGCJ02
	}
	return crsOther
}

// appendJSONFloat appends f as encoding/json writes a float64: the shortest decimal that
// reads back as f, plainly written when f is zero or 1e-6 <= |f| < 1e21, otherwise with an
// exponent, whose two-digit negative form loses its leading zero (1e-07 becomes 1e-7).
// f must be finite.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	if n := len(b); n >= 4 && string(b[n-4:n-1]) == "e-0" {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// outsideDetail is the error detail of a point outside the data, as appendErrorDetail
// writes the NotFound error that the index's Resolve returns, cut around the two numbers:
// outsideDetail[0] lon outsideDetail[1] lat outsideDetail[2]. The numbers are written as
// %v writes them (strconv's shortest 'g'), which need no escaping in a JSON string.
var outsideDetail = func() [3][]byte {
	const lonMark, latMark = "\x01LON\x01", "\x01LAT\x01" // escaped by JSON: cannot occur otherwise
	b := appendErrorDetail(nil, &geo.Error{Kind: geo.NotFound,
		Message: "no unit covers the point lon=" + lonMark + " lat=" + latMark + ": it lies outside the data"})
	lonJSON := appendJSONString(nil, lonMark)
	latJSON := appendJSONString(nil, latMark)
	lonJSON, latJSON = lonJSON[1:len(lonJSON)-1], latJSON[1:len(latJSON)-1]
	i := bytes.Index(b, lonJSON)
	j := bytes.Index(b, latJSON)
	return [3][]byte{b[:i], b[i+len(lonJSON) : j], b[j+len(latJSON):]}
}()

func appendOutsideDetail(b []byte, lon, lat float64) []byte {
	b = append(b, outsideDetail[0]...)
	b = strconv.AppendFloat(b, lon, 'g', -1, 64)
	b = append(b, outsideDetail[1]...)
	b = strconv.AppendFloat(b, lat, 'g', -1, 64)
	return append(b, outsideDetail[2]...)
}

// chainTails caches, per chain, the encoded rest of a lookup's answer after the point:
// `,"chain":[..],"complete":..` with missing and message when the chain is incomplete, the
// closing brace and the newline. It is the batch's chainLines shared between requests: the
// key is the chain's first link, whose address is the chain's identity (an index hands out
// the same immutable chain for every point of a unit), and the map keeps the chains it has
// seen alive, so an address is never reused while it is a key. When the map is full it
// starts over if it has answered at least as many lookups as it holds; otherwise chains
// repeat too seldom to pay for the copies (a province of units), and new chains are encoded
// straight into the answer until the hits catch up.
type chainTails struct {
	mu   sync.RWMutex
	m    map[chainKey]chainTail
	hits atomic.Int64 // lookups answered from the map since it last started over
}

type chainTail struct {
	missing string // the chain's Missing, checked on every hit
	json    []byte
}

const maxChainTails = 1 << 13

var resolveTails = &chainTails{m: make(map[chainKey]chainTail)}

func (c *chainTails) appendTail(b []byte, ch geo.Chain) []byte {
	key := chainKey{&ch.Links[0], len(ch.Links), ch.Complete}
	c.mu.RLock()
	t, ok := c.m[key]
	c.mu.RUnlock()
	if ok && t.missing == ch.Missing {
		c.hits.Add(1)
		return append(b, t.json...)
	}
	start := len(b)
	b = appendResolveTail(b, ch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, there := c.m[key]; !there && len(c.m) >= maxChainTails {
		if c.hits.Load() < int64(len(c.m)) {
			return b
		}
		clear(c.m)
		c.hits.Store(0)
	}
	c.m[key] = chainTail{ch.Missing, bytes.Clone(b[start:])}
	return b
}

// appendResolveTail encodes the members of resolveResponse after the point, as
// encoding/json writes them, and ends the answer as json.Encoder does, with a newline.
func appendResolveTail(b []byte, ch geo.Chain) []byte {
	b = append(b, `,"chain":`...)
	if ch.Links == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for k, l := range ch.Links {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"level":`...)
			b = appendJSONString(b, l.Level)
			b = append(b, `,"code":`...)
			b = appendJSONString(b, l.Code)
			b = append(b, `,"name":`...)
			b = appendJSONString(b, l.Name)
			b = append(b, `,"people":`...)
			if l.People == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '[')
				for i, p := range l.People {
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, `{"role":`...)
					b = appendJSONString(b, p.Role)
					b = append(b, `,"name":`...)
					b = appendJSONString(b, p.Name)
					b = append(b, `,"phone":`...)
					b = appendJSONString(b, p.Phone)
					b = append(b, '}')
				}
				b = append(b, ']')
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if ch.Complete {
		b = append(b, `,"complete":true`...)
	} else {
		b = append(b, `,"complete":false`...)
	}
	if ch.Missing != "" {
		b = append(b, `,"missing":`...)
		b = appendJSONString(b, ch.Missing)
	}
	if msg := incompleteMessage(ch); msg != "" {
		b = append(b, `,"message":`...)
		b = appendJSONString(b, msg)
	}
	return append(b, "}\n"...)
}
