package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gridmap/gridmap/wire"
	"golang.org/x/time/rate"
)

// Limits are the request rates the server grants, per caller: an API key or a signed-in
// person by their subject, anyone else by their address. Zero turns a limit off.
type Limits struct {
	Anonymous rate.Limit // requests per second per address without credentials
	Known     rate.Limit // requests per second per identity with credentials
	Burst     int        // how many requests may come at once above the rate (default: one second's worth)
}

// rateLimiter keeps one token bucket per caller, forgetting callers idle for a while so the
// table cannot grow without bound.
type rateLimiter struct {
	limits Limits
	mu     sync.Mutex
	seen   map[string]*bucket
	swept  time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

// idleAfter is how long a caller's bucket is kept after its last request: long enough that
// a full bucket would have refilled anyway.
const idleAfter = 3 * time.Minute

func newRateLimiter(l Limits) *rateLimiter {
	return &rateLimiter{limits: l, seen: map[string]*bucket{}, swept: time.Now()}
}

// allow takes one request from the caller's bucket; when it is empty it says how long until
// the next request would be allowed.
func (rl *rateLimiter) allow(key string, known bool) (bool, time.Duration) {
	limit := rl.limits.Anonymous
	if known {
		limit = rl.limits.Known
	}
	if limit <= 0 {
		return true, 0
	}
	now := time.Now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if now.Sub(rl.swept) > idleAfter {
		for k, b := range rl.seen {
			if now.Sub(b.last) > idleAfter {
				delete(rl.seen, k)
			}
		}
		rl.swept = now
	}
	b := rl.seen[key]
	if b == nil {
		burst := rl.limits.Burst
		if burst <= 0 {
			burst = int(math.Max(1, math.Ceil(float64(limit))))
		}
		b = &bucket{lim: rate.NewLimiter(limit, burst)}
		rl.seen[key] = b
	}
	b.last = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	// Refused: how long until one request would be allowed, without taking it.
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return false, max(d, time.Millisecond)
}

// limitRate answers 429 with Retry-After when the caller has used up its rate. It runs after
// identify, so a key is limited as itself wherever it calls from.
func (s *Server) limitRate(next http.Handler) http.Handler {
	if s.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Subjects are "key:..." or "jwt:...", never an address: the two kinds of key cannot
		// meet in one table.
		id := identityOf(r)
		key, known := remoteAddr(r), false
		if id.Via != "" {
			key, known = id.Subject, true
		}
		if ok, wait := s.limiter.allow(key, known); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeJSON(w, http.StatusTooManyRequests, wire.ErrorBody{Error: wire.ErrorDetail{
				Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message: fmt.Sprintf("too many requests: try again in %d s", secs)}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
