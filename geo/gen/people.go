package gen

import (
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// memberWeights is the made-up distribution of household sizes 1..8 (per cent).
var memberWeights = []int{8, 17, 24, 23, 15, 8, 3, 2}

// households creates the ten-household units and their households. Each unit lives mostly in
// one courtyard of its grid (some households in the next one), and each household is a point
// strictly inside its courtyard, at a multiple of 1/256 pixel, so inside the unit's grid.
func (b *builder) households() {
	if b.unitCount == 0 {
		return
	}
	r := newRNG(b.opt.Seed, saltHouseholds, 1)
	// Every unit gets one household, the rest are shared out by random weights.
	w := make([]float64, b.unitCount)
	for k := range w {
		w[k] = r.between(0.6, 1.4)
	}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	extra := b.opt.Households - b.unitCount
	for k := range w {
		w[k] *= float64(extra) / sum
	}
	size := roundShares(w, extra)
	b.out.TenHH = make([]geo.TenHH, 0, b.unitCount)
	b.out.Households = make([]geo.Household, 0, b.opt.Households)
	unit := 0
	for g, gr := range b.grids {
		vl := b.villages[gr.village]
		prefix := b.towns[vl.town].name + vl.short + fmt.Sprintf("第%d网格", gr.number)
		yards := b.yards[g]
		number := 0
		for u := 0; u < gr.units; u++ {
			code := fmt.Sprintf("%s%03d", gr.code, u+1)
			b.out.TenHH = append(b.out.TenHH, geo.TenHH{Code: code, GridCode: gr.code, Name: fmt.Sprintf("%s第%d联户", gr.name, u+1)})
			home := u * len(yards) / gr.units
			for h := 0; h < 1+size[unit]; h++ {
				y := yards[home]
				if r.intn(5) == 0 {
					y = yards[(home+1)%len(yards)]
				}
				number++
				b.out.Households = append(b.out.Households, geo.Household{
					ID:       fmt.Sprintf("%s-%03d-%02d", gr.code, u+1, h+1),
					UnitCode: code,
					Address:  fmt.Sprintf("%s%d号", prefix, number),
					Members:  members(r),
					Point:    yardPoint(&b.lat, r, y),
				})
			}
			unit++
		}
	}
}

// yardPoint returns a random point strictly inside courtyard y: in the square of half-side
// rad/4 around its centre, which its polygon holds.
func yardPoint(l *lattice, r *rng, y yard) orb.Point {
	q := y.rad / 4
	return orb.Point{l.subX(y.i*sub+y.cx-q+1+r.intn(2*q-1), sub), l.subY(y.j*sub+y.cy-q+1+r.intn(2*q-1), sub)}
}

func members(r *rng) int {
	n := r.intn(100)
	for k, w := range memberWeights {
		if n < w {
			return k + 1
		}
		n -= w
	}
	return len(memberWeights)
}

// people names the people answerable: the county's 政法委书记, each town's 综治中心主任,
// each village's 党支部书记, a 网格长 and a 网格员 per grid and a 联户长 per unit. Phone
// numbers count up from 19900000001 so no two people share one.
func (b *builder) people() {
	r := newRNG(b.opt.Seed, saltPeople)
	n := 2 + len(b.towns) + len(b.villages) + 2*len(b.grids) + len(b.out.TenHH)
	ps := make([]geo.Responsibility, 0, n)
	add := func(role geo.Role, code string) {
		ps = append(ps, geo.Responsibility{
			PersonID: fmt.Sprintf("person-%s-%s", code, role), Name: personName(r),
			Phone: phone(len(ps) + 1), Role: role, UnitCode: code,
		})
	}
	add(geo.CountySecretary, b.out.Code)
	for _, t := range b.towns {
		add(geo.TownDirector, t.code)
	}
	for _, v := range b.villages {
		add(geo.VillageSecretary, v.code)
	}
	for _, g := range b.grids {
		add(geo.GridHead, g.code)
		add(geo.GridWorker, g.code)
	}
	for _, u := range b.out.TenHH {
		add(geo.UnitHead, u.Code)
	}
	b.out.People = ps
}
