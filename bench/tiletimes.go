package bench

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gridmap/gridmap/tiles"
	"github.com/paulmach/orb/maptile"
)

// tileTimes is what a run of timeTiles measured: per tile, in the order of the tiles.
type tileTimes struct {
	latency []time.Duration
	sizes   []int
	wall    time.Duration
}

func (t tileTimes) perSecond() float64 { return float64(len(t.latency)) / t.wall.Seconds() }

func (t tileTimes) figure() string {
	s := slices.Clone(t.latency)
	slices.Sort(s)
	return fmt.Sprintf("p50 %s, p95 %s, max %s; %s tiles/s", ms(quantile(s, 0.5)), ms(quantile(s, 0.95)), ms(quantile(s, 1)), thousands(t.perSecond()))
}

// byZoom returns the p95 of the tiles of each zoom: "z8 1.20, z9 3.40, ... ms".
func (t tileTimes) byZoom(ts []maptile.Tile) string {
	var lat [tiles.MaxZoom + 1][]time.Duration
	for i, tl := range ts {
		lat[tl.Z] = append(lat[tl.Z], t.latency[i])
	}
	var parts []string
	for z, l := range lat {
		if len(l) > 0 {
			slices.Sort(l)
			parts = append(parts, fmt.Sprintf("z%d %s", z, strconv.FormatFloat(float64(quantile(l, 0.95))/float64(time.Millisecond), 'f', 2, 64)))
		}
	}
	return strings.Join(parts, ", ") + " ms"
}

// timeTiles makes every tile once with get, from workers goroutines that take the next tile
// as they finish one, and times each tile and the whole run. get returns the tile's size.
func timeTiles(ctx context.Context, ts []maptile.Tile, workers int, get func(context.Context, maptile.Tile) (int, error)) (tileTimes, error) {
	res := tileTimes{latency: make([]time.Duration, len(ts)), sizes: make([]int, len(ts))}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ts) {
					return
				}
				t := time.Now()
				n, err := get(ctx, ts[i])
				res.latency[i] = time.Since(t)
				if err != nil {
					errs[w] = fmt.Errorf("tile %d/%d/%d: %w", ts[i].Z, ts[i].X, ts[i].Y, err)
					next.Store(int64(len(ts))) // the others stop after their tile
					return
				}
				res.sizes[i] = n
			}
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	return res, nil
}
