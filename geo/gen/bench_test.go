package gen

import "testing"

// BenchmarkGenerate generates 水城区 at the default scale. For the ~100,000-grid run used by
// the service's benchmarks: gridmap generate -grids-per-village 529.1 (about 18 s, 1 GB).
func BenchmarkGenerate(b *testing.B) {
	code, name, mp, divs := loadSample(b, "520204")
	for i := 0; i < b.N; i++ {
		if _, err := Generate(code, name, mp, divs, Options{Seed: 1, Households: 181300}); err != nil {
			b.Fatal(err)
		}
	}
}
