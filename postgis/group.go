package postgis

import (
	"context"
	"sync"
	"time"
)

// group runs the statements of concurrent requests together (group commit): a call waits
// for the next statement that starts after it arrived, and that statement serves every call
// waiting then. So a caller still learns its own outcome before it answers (an audit record
// is stored, a key is still valid), and a change committed before the call is seen by it;
// under load one round trip serves many requests instead of one each.
//
// At most maxFlushes statements run at once (each on a connection of its own); a flush runs
// in a goroutine that lives while calls are waiting, so an idle group holds nothing.
type group[T any] struct {
	// flush runs one statement for the calls and sets each call's err.
	flush      func(ctx context.Context, calls []*call[T])
	maxFlushes int

	mu      sync.Mutex
	pending []*call[T]
	running int
}

type call[T any] struct {
	item T
	err  error
	done chan struct{}
}

// flushTimeout bounds one grouped statement: it serves several requests, so it is not
// bound to any one request's context.
const flushTimeout = 10 * time.Second

// do queues item for the next flush and waits for it, or for ctx to end (the item may then
// still be flushed: an audit record of a request that was not answered, never the reverse).
func (g *group[T]) do(ctx context.Context, item T) error {
	return g.start(item).wait(ctx)
}

// start queues item for the next flush without waiting for it.
func (g *group[T]) start(item T) *call[T] {
	c := &call[T]{item: item, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if g.running < max(g.maxFlushes, 1) {
		g.running++
		go g.run()
	}
	g.mu.Unlock()
	return c
}

// wait returns the outcome of the call's flush, or ctx's error when it ends first.
func (c *call[T]) wait(ctx context.Context) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run flushes what is pending until nothing is.
func (g *group[T]) run() {
	for {
		g.mu.Lock()
		calls := g.pending
		g.pending = nil
		if len(calls) == 0 {
			g.running--
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		g.flush(ctx, calls)
		cancel()
		for _, c := range calls {
			close(c.done)
		}
	}
}
