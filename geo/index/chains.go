package index

import (
	"fmt"
	"sort"

	"github.com/gridmap/gridmap/geo"
)

// peopleByUnit groups the people answerable for each unit, in a fixed order (role, name,
// id), leaving out ten-household unit heads and roles of no level.
func peopleByUnit(people []geo.Responsibility) map[string][]geo.Person {
	var rs []geo.Responsibility
	for _, r := range people {
		if r.Role == geo.UnitHead || geo.RoleLevel[r.Role] == "" {
			continue
		}
		rs = append(rs, r)
	}
	sortResponsibilities(rs)
	all := make([]geo.Person, len(rs))
	for i, r := range rs {
		all[i] = geo.Person{Role: r.Role, Name: r.Name, Phone: r.Phone}
	}
	m := make(map[string][]geo.Person)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].UnitCode == rs[i].UnitCode {
			j++
		}
		m[rs[i].UnitCode] = all[i:j:j]
		i = j
	}
	return m
}

func sortResponsibilities(rs []geo.Responsibility) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.UnitCode != b.UnitCode {
			return a.UnitCode < b.UnitCode
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.PersonID < b.PersonID
	})
}

var noPeople = []geo.Person{}

// chainBuilder makes the chains of units from their parent links, memoising each code's
// links so that ancestors' links are shared between the chains below them.
type chainBuilder struct {
	units  map[string]*geo.Unit
	people map[string][]geo.Person
	links  map[string][]geo.Link
}

func newChainBuilder(units map[string]*geo.Unit, people map[string][]geo.Person) *chainBuilder {
	return &chainBuilder{units: units, people: people, links: make(map[string][]geo.Link)}
}

// chain returns the chain of the unit with the given code, which must be among the units.
func (b *chainBuilder) chain(code string) (geo.Chain, error) {
	l, err := b.linksOf(code, 0)
	if err != nil {
		return geo.Chain{}, err
	}
	c := geo.Chain{Links: l, Complete: b.units[code].Level == geo.Grid}
	if !c.Complete {
		c.Missing = string(geo.Grid)
	}
	return c, nil
}

func (b *chainBuilder) linksOf(code string, depth int) ([]geo.Link, error) {
	if l, ok := b.links[code]; ok {
		return l, nil
	}
	u := b.units[code]
	if depth > len(geo.Levels) {
		return nil, fmt.Errorf("index: the parents of unit %q form a cycle or are too deep", code)
	}
	var parent []geo.Link
	if u.ParentCode != "" {
		if _, ok := b.units[u.ParentCode]; !ok {
			return nil, fmt.Errorf("index: unit %q has parent %q, which is not among the units", u.Code, u.ParentCode)
		}
		var err error
		if parent, err = b.linksOf(u.ParentCode, depth+1); err != nil {
			return nil, err
		}
	}
	ppl := b.people[code]
	if ppl == nil {
		ppl = noPeople
	}
	l := make([]geo.Link, len(parent)+1)
	copy(l, parent)
	l[len(parent)] = geo.Link{Level: u.Level, Code: u.Code, Name: u.Name, People: ppl}
	b.links[code] = l
	return l, nil
}
