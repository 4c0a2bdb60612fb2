package api

import (
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/wire"
)

// The fast road of GET /v1/resolve. With a resolver that answers from memory without
// allocating (geo/index's Index and Live offer Find), the usual request — lon and lat, maybe
// crs, all plain and valid — is answered by appending the response into a pooled buffer:
// the point, then the chain's JSON, encoded once per chain and cached, or for a point
// outside the data the NotFound error. Nothing is allocated per request. The bytes (status,
// headers, body) are exactly those of the general road, resolvePoint's encoding/json
// answer: TestResolveFastMatchesEncodingJSON compares the two.

// chainFinder is a resolver that looks a point up without allocating: geo/index's Index
// and Live. A miss is false, where Resolve would build a NotFound error.
type chainFinder interface {
	Find(lon, lat float64) (geo.Chain, bool)
}

// jsonContentType is the Content-Type writeJSON sets, as a header value shared by every
// response (net/http only reads it), so that setting it allocates nothing.
var jsonContentType = []string{"application/json; charset=utf-8"}

// fastQueryParams bounds the parameters of a query plainQuery reads itself; beyond it
// (and when GODEBUG sets a limit of its own, urlmaxqueryparams) url.ParseQuery decides.
const fastQueryParams = 8

var fastQueryOK = !strings.Contains(os.Getenv("GODEBUG"), "urlmaxqueryparams")

// resolveBufPool holds the buffers answers are appended into.
var resolveBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledResolveBuf: a buffer that grew beyond this (a chain with very many people) is
// left to the garbage collector rather than kept in the pool.
const maxPooledResolveBuf = 64 << 10

// lookupTails is the encoded chains of the server's lookups, shared between requests.
var lookupTails = wire.NewChainCache(wire.LookupAnswer)

// outsideAnswer is the error body of a point outside the data, as writeError writes the
// NotFound error that the index's Resolve returns for it.
var outsideAnswer = wire.NewPointTemplate(func(lon, lat string) []byte {
	return wire.AppendErrorBody(nil, detailOf(&geo.Error{Kind: geo.NotFound,
		Message: "no unit covers the point lon=" + lon + " lat=" + lat + ": it lies outside the data"}))
})

// answerFound answers the lookup of a point (in WGS84) with f and reports true, or reports
// false without having touched w when the general road must answer: a coordinate that is
// not finite (encoding/json refuses it), or a chain an index does not hand out.
func answerFound(w http.ResponseWriter, lon, lat float64, f chainFinder) bool {
	if !geo.Finite(lon) || !geo.Finite(lat) {
		return false
	}
	chain, found := f.Find(lon, lat)
	if found && len(chain.Links) == 0 {
		return false
	}
	if !found {
		writeAppended(w, http.StatusNotFound, func(b []byte) []byte { return outsideAnswer.Append(b, lon, lat) })
		return true
	}
	writeAppended(w, http.StatusOK, func(b []byte) []byte { return wire.AppendAnswer(b, lon, lat, chain, lookupTails) })
	return true
}

// writeAppended writes the JSON answer that appendTo appends to a pooled buffer, as
// writeJSON would write it.
func writeAppended(w http.ResponseWriter, status int, appendTo func([]byte) []byte) {
	bp := resolveBufPool.Get().(*[]byte)
	b := appendTo((*bp)[:0])
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	w.Write(b) // as writeJSON, a failed write is the client's loss
	if cap(b) <= maxPooledResolveBuf {
		*bp = b
		resolveBufPool.Put(bp)
	}
}

// plainQuery returns the first values of lon, lat and crs in a raw query, as
// url.ParseQuery and Values.Get read them, when that takes no decoding: at most
// fastQueryParams parameters, and no percent sign, plus sign or semicolon anywhere in the
// query (so that unescaping changes nothing and no pair is dropped). Otherwise ok is false.
func plainQuery(raw string) (lon, lat, crs string, ok bool) {
	q, ok := plainQueryAt(raw)
	return q.lon, q.lat, q.crs, ok
}

// plainParams are the parameters of a lookup as plainQueryAt reads them.
type plainParams struct {
	lon, lat, crs, at string
	hasAt             bool // at= is present, maybe empty
}

// plainQueryAt is plainQuery that also reads at= (an as-of lookup).
func plainQueryAt(raw string) (q plainParams, ok bool) {
	if !fastQueryOK || strings.Count(raw, "&") >= fastQueryParams || strings.ContainsAny(raw, "%+;") {
		return q, false
	}
	var haveLon, haveLat, haveCRS bool
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, value, _ := strings.Cut(pair, "=")
		switch {
		case key == "lon" && !haveLon:
			q.lon, haveLon = value, true
		case key == "lat" && !haveLat:
			q.lat, haveLat = value, true
		case key == "crs" && !haveCRS:
			q.crs, haveCRS = value, true
		case key == "at" && !q.hasAt:
			q.at, q.hasAt = value, true
		}
	}
	return q, true
}
