package gen

// Arcs are the shared boundaries of a labelled raster, TopoJSON style: chains of lattice
// vertices between nodes, where a node is a vertex with other than two boundary edges (three
// or more regions meet there, or one region touches itself corner to corner). Each boundary
// between two regions is one arc, drawn once and used by both, so whatever is done to an arc
// (simplify) happens identically on both sides. A boundary that meets no node (an island) is
// a closed arc starting and ending at one of its corners.

// arc is one chain: its corners only (no collinear vertices), from node to node.
type arc struct {
	pts         []pt
	left, right int32 // the labels on each side, walking pts in order (-1 no region)
}

// closed reports whether the arc ends where it starts.
func (a *arc) closed() bool { return a.pts[0] == a.pts[len(a.pts)-1] }

// arcTracer reads labels from a w×h raster; out of the raster is -1.
type arcTracer struct {
	w, h int
	lab  []int32
	seen []bool // per unit edge: horizontal edges first, then vertical ones
}

func (t *arcTracer) at(i, j int) int32 {
	if i < 0 || j < 0 || i >= t.w || j >= t.h {
		return -1
	}
	return t.lab[j*t.w+i]
}

// boundary reports whether the unit edge leaving (X, Y) in direction d separates two labels.
func (t *arcTracer) boundary(X, Y, d int) bool {
	return t.at(X+leftOff[d][0], Y+leftOff[d][1]) != t.at(X+rightOff[d][0], Y+rightOff[d][1])
}

// edge numbers the unit edge leaving (X, Y) in direction d.
func (t *arcTracer) edge(X, Y, d int) int {
	switch d {
	case 0:
		return Y*t.w + X
	case 2:
		return Y*t.w + X - 1
	case 1:
		return t.w*(t.h+1) + Y*(t.w+1) + X
	}
	return t.w*(t.h+1) + (Y-1)*(t.w+1) + X
}

func (t *arcTracer) degree(X, Y int) int {
	n := 0
	for d := 0; d < 4; d++ {
		if t.boundary(X, Y, d) {
			n++
		}
	}
	return n
}

// traceArcs returns every arc of the raster: first those from nodes, in raster order of
// their first node, then the closed ones.
func traceArcs(w, h int, lab []int32) []arc {
	t := &arcTracer{w: w, h: h, lab: lab, seen: make([]bool, w*(h+1)+(w+1)*h)}
	var arcs []arc
	for Y := 0; Y <= h; Y++ {
		for X := 0; X <= w; X++ {
			if t.degree(X, Y) < 3 {
				continue
			}
			for d := 0; d < 4; d++ {
				if t.boundary(X, Y, d) && !t.seen[t.edge(X, Y, d)] {
					arcs = append(arcs, t.walk(X, Y, d))
				}
			}
		}
	}
	for Y := 0; Y <= h; Y++ {
		for X := 0; X < w; X++ {
			if t.boundary(X, Y, 0) && !t.seen[t.edge(X, Y, 0)] {
				arcs = append(arcs, t.walk(X, Y, 0))
			}
		}
	}
	return arcs
}

// walk follows a boundary from (X, Y) in direction d to the next node, or back to the start.
func (t *arcTracer) walk(X, Y, d int) arc {
	a := arc{pts: []pt{{int32(X), int32(Y)}},
		left: t.at(X+leftOff[d][0], Y+leftOff[d][1]), right: t.at(X+rightOff[d][0], Y+rightOff[d][1])}
	sx, sy, sd := X, Y, d
	for {
		t.seen[t.edge(X, Y, d)] = true
		X, Y = X+step[d][0], Y+step[d][1]
		if X == sx && Y == sy || t.degree(X, Y) != 2 {
			break
		}
		nd := d
		for _, c := range [3]int{d, (d + 1) % 4, (d + 3) % 4} {
			if t.boundary(X, Y, c) {
				nd = c
				break
			}
		}
		if nd != d {
			a.pts = append(a.pts, pt{int32(X), int32(Y)})
		}
		d = nd
	}
	a.pts = append(a.pts, pt{int32(X), int32(Y)})
	if X == sx && Y == sy && d == sd && t.degree(X, Y) == 2 {
		// A closed arc whose start is no corner: start at its first corner instead.
		a.pts = append(a.pts[1:len(a.pts)-1], a.pts[1])
	}
	return a
}
