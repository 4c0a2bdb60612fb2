// Package directory is the in-memory unit directory behind the dashboard's API: every unit by
// code with its parent, children and the people answerable for it, statistics summed over
// the units under it (households, members, ten-household units, people, area, grids), and a
// search index over codes, names and the names' pinyin initials.
//
// A Directory follows the change log (it is a geo.ChangeSink over units, responsibilities and
// households): each batch builds a new immutable View from the writer's own maps and swaps it
// in with one atomic store, so readers never block and never see half an edit. The rebuild
// is of the whole view (O(units), a few milliseconds for a county); areas and pinyin are
// cached per unit and name, so only changed units pay for those.
//
// It holds no personal data in what it hands out: households are counted, never listed, and
// ten-household unit heads (联户长) are not kept at all.
package directory

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gridmap/gridmap/geo"
	orbgeo "github.com/paulmach/orb/geo"
)

// Stats are the statistics of a unit, summed over the unit and every unit under it. AreaKm2
// is the area of the unit's own boundary (the sum of its children's when it has none).
type Stats struct {
	Households int     `json:"households"`
	Members    int     `json:"members"`
	TenHH      int     `json:"tenhh_units"`
	People     int     `json:"people"`
	AreaKm2    float64 `json:"area_km2"`
	Grids      int     `json:"grids"`
}

func (s *Stats) add(o Stats) {
	s.Households += o.Households
	s.Members += o.Members
	s.TenHH += o.TenHH
	s.People += o.People
	s.Grids += o.Grids
}

// TenHHStats is a ten-household unit (十联户) of a grid with its counts: aggregates only,
// never its households or its head.
type TenHHStats struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Households int    `json:"households"`
	Members    int    `json:"members"`
}

// Entry is one unit of a View. Entries and everything they point to are never modified.
type Entry struct {
	Code     string
	Name     string
	Level    geo.Level
	Parent   *Entry   // nil for a county or a unit whose parent is unknown
	Children []*Entry // in code order
	People   []geo.Person
	Stats    Stats
	// Bound is west, south, east, north of the unit's boundary (of its children's when it
	// has none); HasBound is false when neither has one.
	Bound    [4]float64
	HasBound bool
	TenHH    []TenHHStats // grids only, in code order

	initials string // pinyin initials of the name, lower case
	ordinal  int32  // position in (level, code) order, the order search results come in
}

// Path returns the unit's ancestors from the county down to its parent.
func (e *Entry) Path() []*Entry {
	var p []*Entry
	for a := e.Parent; a != nil && len(p) <= len(geo.Levels); a = a.Parent {
		p = append(p, a)
	}
	slices.Reverse(p)
	return p
}

// View is the directory at one change-log position. It is immutable.
type View struct {
	Seq     int64
	entries map[string]*Entry
	byLevel [][]*Entry // per level (geo.Levels order), in code order
	search  searchIndex
}

// Unit returns the unit with the given code, or false.
func (v *View) Unit(code string) (*Entry, bool) {
	e, ok := v.entries[code]
	return e, ok
}

// Len returns how many units the view holds.
func (v *View) Len() int { return len(v.entries) }

// Descendants returns the units of level lv under the unit with the given code (not the unit
// itself), in code order. A child's code extends its parent's, so they are one range of the
// level's codes.
func (v *View) Descendants(code string, lv geo.Level) []*Entry {
	r := lv.Rank()
	if r < 0 {
		return nil
	}
	es := v.byLevel[r]
	lo, _ := slices.BinarySearchFunc(es, code, func(e *Entry, c string) int { return strings.Compare(e.Code, c) })
	var out []*Entry
	for i := lo; i < len(es) && strings.HasPrefix(es[i].Code, code); i++ {
		if es[i].Code != code {
			out = append(out, es[i])
		}
	}
	return out
}

// Input is what a Directory is first built from: a geo.State's units, people, ten-household
// units and households at change-log position Seq.
type Input struct {
	Seq        int64
	Units      []geo.Unit
	People     []geo.Responsibility
	TenHH      []geo.TenHHUnit
	Households []geo.Household
}

// Directory keeps the current View and the writer's state it is built from.
type Directory struct {
	cur atomic.Pointer[View]

	mu         sync.Mutex // serialises Apply
	units      map[string]*geo.Unit
	people     map[string][]geo.Person // unit code -> public people
	tenhhGrid  map[string]string       // ten-household unit code -> grid code
	tenhhName  map[string]string
	households map[string]household  // id -> where it counts
	tenhhIndex map[string]int32      // ten-household unit code -> its place in tenhhCodes
	tenhhCodes []string              // each code once, so that households share it
	counts     map[string]TenHHStats // ten-household unit code -> counts
	areas      map[string]float64    // unit code -> km² of its own boundary
	initials   map[string]string     // name -> pinyin initials
}

// household is where a household counts: 8 bytes per household, the code kept once.
type household struct {
	tenhh   int32 // index in tenhhCodes
	members int32
}

var _ geo.ChangeSink = (*Directory)(nil)

// New builds a directory. It keeps pointers to in's units (never modifying them) and copies
// the rest.
func New(in Input) *Directory {
	d := &Directory{
		units: make(map[string]*geo.Unit, len(in.Units)), people: publicPeople(in.People),
		tenhhGrid: make(map[string]string, len(in.TenHH)), tenhhName: make(map[string]string, len(in.TenHH)),
		households: make(map[string]household, len(in.Households)), counts: map[string]TenHHStats{},
		tenhhIndex: map[string]int32{},
		areas:      make(map[string]float64, len(in.Units)), initials: map[string]string{},
	}
	for i := range in.Units {
		d.setUnit(&in.Units[i])
	}
	for _, t := range in.TenHH {
		d.tenhhGrid[t.Code], d.tenhhName[t.Code] = t.GridCode, t.Name
	}
	for _, h := range in.Households {
		d.addHousehold(h)
	}
	d.cur.Store(d.build(in.Seq))
	return d
}

// View returns the current view.
func (d *Directory) View() *View { return d.cur.Load() }

// Seq returns the change-log position the directory reflects.
func (d *Directory) Seq() int64 { return d.cur.Load().Seq }

// Apply applies a batch of changes (units, people, ten-household units, households;
// features are ignored) and swaps in a new view. It never fails: a household of an unknown
// ten-household unit counts under the grid its code extends, and a unit whose parent is
// missing stands alone.
func (d *Directory) Apply(ch geo.Changes) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.cur.Load()
	if len(ch.Units) == 0 && len(ch.DeletedUnits) == 0 && len(ch.People) == 0 &&
		len(ch.Households) == 0 && len(ch.DeletedHouseholds) == 0 && len(ch.TenHH) == 0 && len(ch.DeletedTenHH) == 0 {
		if ch.Seq > old.Seq {
			next := *old
			next.Seq = ch.Seq
			d.cur.Store(&next)
		}
		return nil
	}
	for _, code := range ch.DeletedUnits {
		delete(d.units, code)
		delete(d.areas, code)
	}
	for i := range ch.Units {
		d.setUnit(&ch.Units[i])
	}
	for code, rs := range ch.People {
		if ppl := publicPeople(rs)[code]; len(ppl) > 0 {
			d.people[code] = ppl
		} else {
			delete(d.people, code)
		}
	}
	for _, code := range ch.DeletedTenHH {
		delete(d.tenhhGrid, code)
		delete(d.tenhhName, code)
	}
	for _, t := range ch.TenHH {
		d.tenhhGrid[t.Code], d.tenhhName[t.Code] = t.GridCode, t.Name
	}
	for _, id := range ch.DeletedHouseholds {
		d.removeHousehold(id)
	}
	for _, h := range ch.Households {
		d.removeHousehold(h.ID)
		d.addHousehold(h)
	}
	d.cur.Store(d.build(max(ch.Seq, old.Seq)))
	return nil
}

func (d *Directory) setUnit(u *geo.Unit) {
	d.units[u.Code] = u
	d.areas[u.Code] = orbgeo.Area(u.Geom) / 1e6
	if _, ok := d.initials[u.Name]; !ok {
		d.initials[u.Name] = Initials(u.Name)
	}
}

func (d *Directory) addHousehold(h geo.Household) {
	i, ok := d.tenhhIndex[h.UnitCode]
	if !ok {
		i = int32(len(d.tenhhCodes))
		d.tenhhIndex[h.UnitCode] = i
		d.tenhhCodes = append(d.tenhhCodes, h.UnitCode)
	}
	d.households[h.ID] = household{i, int32(h.Members)}
	c := d.counts[h.UnitCode]
	c.Households++
	c.Members += h.Members
	d.counts[h.UnitCode] = c
}

func (d *Directory) removeHousehold(id string) {
	h, ok := d.households[id]
	if !ok {
		return
	}
	delete(d.households, id)
	code := d.tenhhCodes[h.tenhh]
	c := d.counts[code]
	c.Households--
	c.Members -= int(h.members)
	if c.Households <= 0 {
		delete(d.counts, code)
	} else {
		d.counts[code] = c
	}
}

// publicPeople groups by unit the people the notice boards show (every role of a unit's
// level; never unit heads), each unit's list in role, name order.
func publicPeople(rs []geo.Responsibility) map[string][]geo.Person {
	var keep []geo.Responsibility
	for _, r := range rs {
		if r.Role != geo.UnitHead && geo.RoleLevel[r.Role] != "" {
			keep = append(keep, r)
		}
	}
	slices.SortStableFunc(keep, func(a, b geo.Responsibility) int {
		return cmpStrings(a.UnitCode, b.UnitCode, string(a.Role), string(b.Role), a.Name, b.Name, a.PersonID, b.PersonID)
	})
	m := map[string][]geo.Person{}
	for _, r := range keep {
		m[r.UnitCode] = append(m[r.UnitCode], geo.Person{Role: r.Role, Name: r.Name, Phone: r.Phone})
	}
	return m
}

// cmpStrings compares pairs (a0, b0), (a1, b1), ... in turn.
func cmpStrings(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}
