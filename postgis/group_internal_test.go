package postgis

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// A call made while a flush runs is not in that flush (it would miss what committed just
// before it arrived): it goes in the next one, with the other calls waiting by then, and
// every call gets its own outcome.
func TestGroupFlushesWhatArrivedBeforeIt(t *testing.T) {
	var mu sync.Mutex
	var flushes [][]int
	started := make(chan struct{})
	release := make(chan struct{})
	g := group[int]{maxFlushes: 1, flush: func(_ context.Context, calls []*call[int]) {
		var items []int
		for _, c := range calls {
			items = append(items, c.item)
			if c.item%2 == 1 {
				c.err = errors.New("odd")
			}
		}
		mu.Lock()
		flushes = append(flushes, items)
		first := len(flushes) == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
	}}
	ctx := context.Background()
	errs := make([]error, 5)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); errs[0] = g.do(ctx, 0) }()
	<-started // the first flush runs, holding call 0 only
	queued := make(chan struct{})
	for i := 1; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); queued <- struct{}{}; errs[i] = g.do(ctx, i) }()
		<-queued
	}
	// Calls 1-4 are on their way into pending; let the first flush end once they are in.
	for {
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n == 4 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if len(flushes) != 2 || !slices.Equal(flushes[0], []int{0}) {
		t.Fatalf("flushes %v, want [0] then the four others together", flushes)
	}
	second := slices.Clone(flushes[1])
	slices.Sort(second)
	if !slices.Equal(second, []int{1, 2, 3, 4}) {
		t.Errorf("second flush %v", flushes[1])
	}
	for i, err := range errs {
		if (err != nil) != (i%2 == 1) {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if g.running != 0 {
		t.Errorf("%d flushers still running", g.running)
	}
}
