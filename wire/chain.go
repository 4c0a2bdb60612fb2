package wire

import (
	"github.com/gridmap/gridmap/geo"
)

// A chain is written in two shapes: in a line of a batch, the codes of its units
//
//	{"i":0,"id":"a","grid":"520204103200002","chain":["520204",...],"complete":true}
//	{"i":1,"complete":false,"error":{"status":404,"code":"not_found","message":"..."}}
//
// and in the answer of a single lookup, every unit with its people (Answer). Both are
// written exactly as encoding/json wrote the structures the endpoints started with, but
// appended by hand: a million points a second leave no room for reflection and an
// allocation or two per point. The part after the point depends on the chain alone, so a
// ChainCache keeps it encoded.

// LonLat is a point as an answer writes it.
type LonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// Answer is the answer of GET /v1/resolve: the point as looked up, in WGS84, and its chain.
type Answer struct {
	Point LonLat `json:"point"`
	geo.Chain
	Message string `json:"message,omitempty"`
}

// NewAnswer returns the answer for the point and its chain.
func NewAnswer(lon, lat float64, ch geo.Chain) Answer {
	return Answer{Point: LonLat{lon, lat}, Chain: ch, Message: IncompleteMessage(ch)}
}

// IncompleteMessage says where an incomplete chain stops; "" for a complete one.
func IncompleteMessage(ch geo.Chain) string {
	if ch.Complete {
		return ""
	}
	return "no grid covers this point: the chain stops at the " +
		string(ch.Links[len(ch.Links)-1].Level) + " and the grid level is missing"
}

// AppendAnswer appends what a json.Encoder without HTML escaping writes for
// NewAnswer(lon, lat, ch), the chain's part from tails (made for LookupAnswer). lon and lat
// must be finite.
func AppendAnswer(b []byte, lon, lat float64, ch geo.Chain, tails *ChainCache) []byte {
	b = append(b, `{"point":{"lon":`...)
	b = appendJSONFloat(b, lon)
	b = append(b, `,"lat":`...)
	b = appendJSONFloat(b, lat)
	b = append(b, '}')
	return tails.AppendTail(b, ch)
}

// appendAnswerTail encodes the members of Answer after the point, as encoding/json writes
// them, and ends the answer as json.Encoder does, with a newline.
func appendAnswerTail(b []byte, ch geo.Chain) []byte {
	b = appendChainLinks(b, ch)
	if ch.Missing != "" {
		b = appendMember(b, `,"missing":`, ch.Missing)
	}
	if msg := IncompleteMessage(ch); msg != "" {
		b = appendMember(b, `,"message":`, msg)
	}
	return append(b, "}\n"...)
}

// appendChainLinks encodes a chain's links with their people and its completeness, as
// encoding/json writes geo.Chain's first two members.
func appendChainLinks(b []byte, ch geo.Chain) []byte {
	b = append(b, `,"chain":`...)
	if ch.Links == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for k, l := range ch.Links {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendLink(b, l)
		}
		b = append(b, ']')
	}
	return appendComplete(b, ch.Complete)
}

// appendLink encodes one link of a chain with its people, as encoding/json writes geo.Link.
func appendLink(b []byte, l geo.Link) []byte {
	b = appendMember(b, `{"level":`, l.Level)
	b = appendMember(b, `,"code":`, l.Code)
	b = appendMember(b, `,"name":`, l.Name)
	b = append(b, `,"people":`...)
	b = appendPeople(b, l.People)
	return append(b, '}')
}

// appendPeople encodes people as encoding/json writes a []geo.Person.
func appendPeople(b []byte, people []geo.Person) []byte {
	if people == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, p := range people {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMember(b, `{"role":`, p.Role)
		b = appendMember(b, `,"name":`, p.Name)
		b = appendMember(b, `,"phone":`, p.Phone)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendMember appends the start of a member (its key with the comma or brace before it)
// and its string value.
func appendMember[S ~string](b []byte, head string, v S) []byte {
	return appendJSONString(append(b, head...), v)
}

func appendComplete(b []byte, complete bool) []byte {
	if complete {
		return append(b, `,"complete":true`...)
	}
	return append(b, `,"complete":false`...)
}

// AppendLineHead begins the line of point i of a batch: its index and, unless id is empty,
// the caller's id, already JSON.
func AppendLineHead(b []byte, i int, id []byte) []byte {
	b = append(b, `{"i":`...)
	b = appendInt(b, i)
	if len(id) > 0 {
		b = append(b, `,"id":`...)
		b = append(b, id...)
	}
	return b
}

// AppendLineError ends the line of a point that has no chain with its error.
func AppendLineError(b []byte, d ErrorDetail) []byte {
	b = append(b, `,"complete":false,"error":`...)
	b = AppendErrorDetail(b, d)
	return append(b, "}\n"...)
}

// appendLineTail encodes the grid, chain and complete members of a batch's line and ends
// the line. The grid is the last link of a complete chain; an empty chain is left out.
func appendLineTail(b []byte, ch geo.Chain) []byte {
	if ch.Complete && len(ch.Links) > 0 {
		b = appendMember(b, `,"grid":`, ch.Links[len(ch.Links)-1].Code)
	}
	if len(ch.Links) > 0 {
		b = append(b, `,"chain":[`...)
		for k, l := range ch.Links {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, l.Code)
		}
		b = append(b, ']')
	}
	b = appendComplete(b, ch.Complete)
	return append(b, "}\n"...)
}
