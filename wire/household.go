package wire

import (
	"strconv"

	"github.com/gridmap/gridmap/geo"
)

// AppendHouseholdChain appends what a json.Encoder without HTML escaping writes for hc (the
// answer of GET /v1/households/{id}/chain), the chain's part from tails (made for
// HouseholdAnswer): the household and its ten-household unit are written each time, the
// grid's chain, shared by every household of the grid, once per chain. hc's coordinates
// must be finite.
func AppendHouseholdChain(b []byte, hc geo.HouseholdChain, tails *ChainCache) []byte {
	h := hc.Household
	b = appendMember(b, `{"household":{"id":`, h.ID)
	b = appendMember(b, `,"address":`, h.Address)
	b = append(b, `,"members":`...)
	b = strconv.AppendInt(b, int64(h.Members), 10)
	b = append(b, `,"lon":`...)
	b = appendJSONFloat(b, h.Lon)
	b = append(b, `,"lat":`...)
	b = appendJSONFloat(b, h.Lat)
	b = appendMember(b, `},"unit":{"code":`, hc.Unit.Code)
	b = appendMember(b, `,"name":`, hc.Unit.Name)
	b = append(b, `,"people":`...)
	b = appendPeople(b, hc.Unit.People)
	b = append(b, '}')
	return tails.AppendTail(b, hc.Chain)
}

// appendHouseholdTail encodes the members of geo.HouseholdChain that come from its Chain, as
// encoding/json writes them (no message: that is the point lookup's), and ends the answer
// as json.Encoder does, with a newline.
func appendHouseholdTail(b []byte, ch geo.Chain) []byte {
	b = appendChainLinks(b, ch)
	if ch.Missing != "" {
		b = appendMember(b, `,"missing":`, ch.Missing)
	}
	return append(b, "}\n"...)
}

// AppendHouseholdLine appends the line of a bulk household answer for the id at index i:
// what a json.Encoder without HTML escaping writes for {"i":i,"id":id,"result":hc}.
func AppendHouseholdLine(b []byte, i int, id string, hc geo.HouseholdChain, tails *ChainCache) []byte {
	b = append(b, `{"i":`...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = appendMember(b, `,"id":`, id)
	b = append(b, `,"result":`...)
	b = AppendHouseholdChain(b, hc, tails)
	// The answer ends with the encoder's newline; the line closes after it.
	return append(b[:len(b)-1], "}\n"...)
}
