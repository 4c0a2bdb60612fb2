package api

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/gridmap/gridmap/wire"
)

// lineBlock is a block of input items on its way through streamBlocks, and then their
// answer lines.
type lineBlock[T any] struct {
	first int // the index of the first item in the input
	items []T
	data  []byte // bytes the items refer to (the ids of a batch's points)
	out   []byte // the answer: one line per item
	lines int    // lines in out
	stop  error  // the request was cancelled: out ends early and the stream stops
	done  chan struct{}
}

// streamBlocks answers a stream of items in input order with the work spread over several
// goroutines. The caller's goroutine fills blocks (fill appends items to b.items and reports
// whether more may follow, or the error that ended the input), workers goroutines turn
// blocks into lines (each worker is made by newWorker, so it may keep state of its own), and
// one goroutine writes the blocks' lines in order. At most a fixed number of blocks are in
// flight, so memory stays bounded whatever the input's size. It returns the error that ended
// the stream early: a broken input, a failed write, or a block's stop.
func streamBlocks[T any](stream *wire.Stream, log *slog.Logger, workers int,
	fill func(b *lineBlock[T]) (more bool, err error),
	newWorker func() func(b *lineBlock[T])) (err error) {
	inFlight := 2*workers + 2
	free := make(chan *lineBlock[T], inFlight)
	for range inFlight {
		free <- &lineBlock[T]{done: make(chan struct{}, 1)}
	}
	work := make(chan *lineBlock[T], inFlight)
	order := make(chan *lineBlock[T], inFlight)
	var failed atomic.Bool // the writer stopped: reading on is pointless
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		encode := newWorker()
		go func() {
			defer wg.Done()
			for b := range work {
				encodeBlock(b, encode, log)
				b.done <- struct{}{}
			}
		}()
	}
	writeDone := make(chan error, 1)
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				if err = stream.SendLines(b.out, b.lines, len(order) == 0); err == nil {
					err = b.stop
				}
				if err != nil {
					failed.Store(true)
				}
			}
			free <- b
		}
		writeDone <- err
	}()
	// Whatever happens to the reading (even a panic, which the server's recovery turns into
	// an answer), the goroutines finish and stop touching the response before this returns.
	defer func() {
		close(work)
		close(order)
		if werr := <-writeDone; werr != nil {
			err = werr
		}
		wg.Wait()
	}()

	next := 0
	for more := true; more && !failed.Load(); {
		b := <-free
		b.first, b.items, b.data, b.out, b.lines, b.stop = next, b.items[:0], b.data[:0], b.out[:0], 0, nil
		more, err = fill(b)
		if len(b.items) == 0 {
			free <- b
			continue
		}
		next += len(b.items)
		order <- b
		work <- b
	}
	return err
}

// encodeBlock runs a worker on a block. A panic (a bug in a resolver) stops the stream at
// the block and is logged, as the server's recovery does for a request; it must not take
// the process down, which a panic in a goroutine of its own would.
func encodeBlock[T any](b *lineBlock[T], encode func(*lineBlock[T]), log *slog.Logger) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("request failed", "err", fmt.Errorf("panic in a batch: %v", v))
			b.out, b.lines, b.stop = b.out[:0], 0, errors.New("internal error")
		}
	}()
	encode(b)
}
