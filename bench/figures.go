package bench

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// median returns the middle value of xs (sorting xs), or 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// mib converts bytes to MiB.
func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// ms writes a duration in milliseconds with two decimals: "4.18 ms".
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

// thousands writes a figure rounded to a whole number, with thousands separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// quantile returns the q-quantile of sorted durations, by nearest rank (q = 1: the largest).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func meanNonEmpty(sizes []int) float64 {
	sum, n := 0, 0
	for _, s := range sizes {
		if s > 0 {
			sum += s
			n++
		}
	}
	return float64(sum) / float64(max(n, 1))
}
