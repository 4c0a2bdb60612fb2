package gen

// The generator uses its own small random source instead of math/rand so that the output for
// a seed can never change with the Go version: splitmix64 is fully specified here.

// Stream salts keep the random choices of each stage independent: changing the number of
// grids does not move the towns, changing the households does not move the grids.
const (
	saltTowns uint64 = iota + 1
	saltVillages
	saltGrids
	saltNoise
	saltCounts
	saltFeatures
	saltValleys
	saltHouseholds
	saltPeople
)

// rng is a splitmix64 generator.
type rng struct{ s uint64 }

// newRNG returns a generator for seed and a stream identified by the salts.
func newRNG(seed int64, salts ...uint64) *rng {
	h := mix(uint64(seed) ^ 0x6a09e667f3bcc909)
	for _, s := range salts {
		h = mix(h ^ mix(s+0x9e3779b97f4a7c15))
	}
	return &rng{s: h}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); the modulo bias is negligible for the small n used here.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// between returns a number in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// pick returns a random element of xs.
func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// mix is the splitmix64 finalizer, also used as a hash for per-pixel noise.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
