package gen

import "math"

// Region growth: every child region starts at a seed pixel (after a delay) and claims its
// parent's pixels in order of increasing path cost, where entering a pixel costs a small
// random weight. The weights mix per-pixel noise with a smooth coarse noise, so fronts run
// faster along "valleys" of low cost and the boundaries come out organic rather than straight.
//
// Because the cost is a property of the pixel entered, not of the region entering it, the
// first region to reach a pixel is also the cheapest (fronts are expanded in order of cost),
// so each pixel is labelled once, when first touched, and no distance array is needed. Costs
// are small integers, so a ring of buckets (Dial's algorithm) replaces a heap.

const (
	fineW   = 3 // per-pixel noise adds 0..fineW-1
	coarseW = 8 // coarse noise adds 0..coarseW
	maxW    = 1 + fineW - 1 + coarseW
	avgW    = 1 + (fineW-1)/2.0 + coarseW/2.0
)

// grower claims pixels of one parent region for its children.
type grower struct {
	l    *lattice
	lab  []int32
	key  uint64 // noise key, different per level and parent
	cell int    // coarse noise cell, in pixels
	// dir, when set, records for each claimed pixel the direction (0..3, see step) towards
	// the pixel it was claimed from, 4 for a seed: the shortest-path forest roads follow.
	dir []uint8
	// meet, when set, is called whenever two children's fronts touch: p (claimed by a) is
	// being expanded and its neighbour q is already b's.
	meet func(a, b, p, q int32)
	// buckets, when set, keeps the bucket queue for the next grower of the same size.
	buckets *[][]int32

	// The coarse noise: values at the corners of cells of cell×cell pixels, cw a row, from
	// pixel (ci0, cj0).
	coarse       []int
	cw, ci0, cj0 int
}

// step lists the four neighbours: east, north, west, south.
var step = [4][2]int{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}

// weight is the cost of entering pixel k: fine noise hashed from the pixel plus the coarse
// noise interpolated bilinearly between the corners of its cell.
func (g *grower) weight(k int32) int {
	i, j := int(k)%g.l.w-g.ci0, int(k)/g.l.w-g.cj0
	f := int(mix(g.key+uint64(k)*0x9e3779b97f4a7c15) % fineW)
	s := g.cell
	ci, cj, fx, fy := i/s, j/s, i%s, j%s
	v := g.coarse[cj*g.cw+ci:]
	c := (v[0]*(s-fx)*(s-fy) + v[1]*fx*(s-fy) + v[g.cw]*(s-fx)*fy + v[g.cw+1]*fx*fy) / (s * s)
	return 1 + f + c
}

// coarseNoise draws the coarse noise at the cell corners over the bounding box of seg.
func (g *grower) coarseNoise(seg []int32) {
	w := g.l.w
	i0, j0, i1, j1 := w, g.l.h, 0, 0
	for _, k := range seg {
		i, j := int(k)%w, int(k)/w
		i0, j0, i1, j1 = min(i0, i), min(j0, j), max(i1, i), max(j1, j)
	}
	g.ci0, g.cj0 = i0, j0
	g.cw = (i1-i0)/g.cell + 2
	ch := (j1-j0)/g.cell + 2
	g.coarse = make([]int, g.cw*ch)
	for k := range g.coarse {
		g.coarse[k] = int(mix(g.key^0x5bd1e995+uint64(k)*0x9e3779b97f4a7c15) % (coarseW + 1))
	}
}

// grow assigns every pixel of seg whose label is parent to one of the seeds: seed s gets label
// first+s and starts after delays[s]. Pixels no seed can reach (another island of the parent)
// join the nearest child afterwards, so every pixel of seg ends up with a child's label.
func (g *grower) grow(seg []int32, parent int32, seeds []int32, first int32, delays []int) {
	g.coarseNoise(seg)
	maxDelay := 0
	for _, d := range delays {
		maxDelay = max(maxDelay, d)
	}
	size := 1
	for size <= maxDelay+maxW {
		size <<= 1
	}
	mask := size - 1
	var buckets [][]int32
	if g.buckets != nil && len(*g.buckets) == size {
		buckets = *g.buckets // left empty by the last call
	} else {
		buckets = make([][]int32, size)
		if g.buckets != nil {
			*g.buckets = buckets
		}
	}
	pending := 0
	for s, p := range seeds {
		g.lab[p] = first + int32(s)
		if g.dir != nil {
			g.dir[p] = 4
		}
		buckets[delays[s]&mask] = append(buckets[delays[s]&mask], p)
		pending++
	}
	W, H := g.l.w, g.l.h
	last := first + int32(len(seeds))
	for cur := 0; pending > 0; cur++ {
		b := buckets[cur&mask]
		for _, p := range b {
			pending--
			a := g.lab[p]
			i, j := int(p)%W, int(p)/W
			for d, st := range step {
				ni, nj := i+st[0], j+st[1]
				if ni < 0 || nj < 0 || ni >= W || nj >= H {
					continue
				}
				q := int32(nj*W + ni)
				switch lq := g.lab[q]; {
				case lq == parent:
					g.lab[q] = a
					if g.dir != nil {
						g.dir[q] = uint8((d + 2) % 4)
					}
					nb := (cur + g.weight(q)) & mask
					buckets[nb] = append(buckets[nb], q)
					pending++
				case g.meet != nil && lq != a && lq >= first && lq < last:
					g.meet(a, lq, p, q)
				}
			}
		}
		buckets[cur&mask] = b[:0]
	}
	g.joinIslands(seg, parent, first, last)
}

// joinIslands gives every connected piece of seg still labelled parent (unreachable from the
// seeds) to the child nearest to it, found by a breadth-first search outwards over the whole
// lattice. Such pieces are rare (separate islands of an outline), so a map is fine here.
func (g *grower) joinIslands(seg []int32, parent, first, last int32) {
	const marker = -2
	W, H := g.l.w, g.l.h
	for _, start := range seg {
		if g.lab[start] != parent {
			continue
		}
		piece := []int32{start}
		g.lab[start] = marker
		for k := 0; k < len(piece); k++ {
			i, j := int(piece[k])%W, int(piece[k])/W
			for _, st := range step {
				ni, nj := i+st[0], j+st[1]
				if ni >= 0 && nj >= 0 && ni < W && nj < H && g.lab[nj*W+ni] == parent {
					g.lab[nj*W+ni] = marker
					piece = append(piece, int32(nj*W+ni))
				}
			}
		}
		seen := make(map[int32]bool, len(piece))
		queue := append([]int32(nil), piece...)
		for _, p := range piece {
			seen[p] = true
		}
		target := int32(-1)
		for k := 0; k < len(queue) && target < 0; k++ {
			i, j := int(queue[k])%W, int(queue[k])/W
			for _, st := range step {
				ni, nj := i+st[0], j+st[1]
				q := int32(nj*W + ni)
				if ni < 0 || nj < 0 || ni >= W || nj >= H || seen[q] {
					continue
				}
				if lq := g.lab[q]; lq >= first && lq < last {
					target = lq
					break
				}
				seen[q] = true
				queue = append(queue, q)
			}
		}
		for _, p := range piece {
			g.lab[p] = target
		}
	}
}

// spread picks k distinct seed pixels from seg that lie well apart from each other and from
// the existing ones: each is the best of a few random candidates by its distance to the
// nearest seed so far (Mitchell's best-candidate sampling), looked up in a coarse hash.
func (l *lattice) spread(r *rng, seg []int32, k int, existing []int32) []int32 {
	cell := max(1, int(math.Sqrt(float64(len(seg))/float64(k+len(existing)+1))))
	buckets := map[[2]int][]int32{}
	used := map[int32]bool{}
	add := func(p int32) {
		i, j := int(p)%l.w, int(p)/l.w
		c := [2]int{i / cell, j / cell}
		buckets[c] = append(buckets[c], p)
		used[p] = true
	}
	for _, p := range existing {
		add(p)
	}
	score := func(p int32) int {
		i, j := int(p)%l.w, int(p)/l.w
		ci, cj := i/cell, j/cell
		best := 9 * cell * cell
		for a := -2; a <= 2; a++ {
			for b := -2; b <= 2; b++ {
				for _, q := range buckets[[2]int{ci + a, cj + b}] {
					di, dj := int(q)%l.w-i, int(q)/l.w-j
					best = min(best, di*di+dj*dj)
				}
			}
		}
		return best
	}
	out := make([]int32, 0, k)
	for len(out) < k {
		best, bestScore := int32(-1), -1
		for t := 0; t < 10; t++ {
			p := seg[r.intn(len(seg))]
			if s := score(p); !used[p] && s > bestScore {
				best, bestScore = p, s
			}
		}
		if best < 0 { // every candidate was taken: walk from a random place to a free pixel
			for t, s := 0, r.intn(len(seg)); t < len(seg); t++ {
				if p := seg[(s+t)%len(seg)]; !used[p] {
					best = p
					break
				}
			}
		}
		add(best)
		out = append(out, best)
	}
	return out
}
