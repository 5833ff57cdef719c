package wfrandom

import (
	"slices"
	"testing"
)

// The expected values were drawn by the TypeScript SDK 1.24's own alea,
// deriveAleaSeed and uuid4FromRandom under node.
func TestMatchesTypeScriptSDK(t *testing.T) {
	seed := []byte{1, 2, 3, 4, 250, 251, 252, 253}
	draw := func(a *Alea, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = a.Next()
		}
		return out
	}
	tests := []struct {
		name string
		got  []float64
		want []float64
	}{
		{"main", draw(NewAlea(seed), 3), []float64{0.9617537674494088, 0.40315159084275365, 0.1421833299100399}},
		{"stream", draw(NewAlea(StreamSeed(seed, "stream ü")), 2), []float64{0.3424932435154915, 0.2542766258120537}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if got, want := UUID4(NewAlea(seed).Next), "f6357eb2-6734-4152-a466-2070b04e6112"; got != want {
		t.Errorf("UUID4 = %s, want %s", got, want)
	}
}

func TestRunSeedDiffers(t *testing.T) {
	a, b := RunSeed("run-a"), RunSeed("run-b")
	if len(a) != 8 || slices.Equal(a, b) {
		t.Errorf("RunSeed: %x and %x", a, b)
	}
	if !slices.Equal(a, RunSeed("run-a")) {
		t.Errorf("RunSeed is not deterministic")
	}
}
