// Package wfrandom is the deterministic randomness of the TypeScript SDK's
// workflows, value for value: sdk-core seeds a run with the SipHash 1-3 of
// its original execution run ID, the SDK feeds the seed's 8 big-endian
// bytes to an Alea generator (Math.random, uuid4, workflowRandom), and
// getRandomStream(name) draws from an Alea seeded with a derivation of the
// seed and the name.
package wfrandom

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// RunSeed returns the seed bytes of the run whose original execution run
// ID is runID: sdk-core's u64 (SipHash 1-3, zero keys, of the ID as Rust
// hashes a str: its bytes, then 0xff), big-endian, as the TypeScript SDK
// hands it to Alea.
func RunSeed(runID string) []byte {
	return binary.BigEndian.AppendUint64(nil, sipHash13(append([]byte(runID), 0xff)))
}

// streamSeedPrefix starts the seed of every named stream.
const streamSeedPrefix = "temporal-workflow-random-stream-v1"

// StreamSeed derives the seed of the stream named name from the run's seed,
// as the TypeScript SDK does: the prefix, then the seed and the name's
// UTF-8 bytes, each after its length (4 bytes, big-endian).
func StreamSeed(seed []byte, name string) []byte {
	out := make([]byte, 0, len(streamSeedPrefix)+8+len(seed)+len(name))
	out = append(out, streamSeedPrefix...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(seed)))
	out = append(out, seed...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(name)))
	return append(out, name...)
}

// sipHash13 is SipHash with 1 compression and 3 finalization rounds and a
// zero key.
func sipHash13(b []byte) uint64 {
	v0 := uint64(0x736f6d6570736575)
	v1 := uint64(0x646f72616e646f6d)
	v2 := uint64(0x6c7967656e657261)
	v3 := uint64(0x7465646279746573)
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13)
		v1 ^= v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16)
		v3 ^= v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21)
		v3 ^= v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17)
		v1 ^= v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	n := len(b)
	for len(b) >= 8 {
		m := binary.LittleEndian.Uint64(b)
		v3 ^= m
		round()
		v0 ^= m
		b = b[8:]
	}
	last := uint64(n) << 56
	for i, c := range b {
		last |= uint64(c) << (8 * i)
	}
	v3 ^= last
	round()
	v0 ^= last
	v2 ^= 0xff
	round()
	round()
	round()
	return v0 ^ v1 ^ v2 ^ v3
}

// Alea is the Alea generator (Johannes Baagøe's) the TypeScript SDK uses,
// in float64 arithmetic exactly as JavaScript computes it. The explicit
// float64 conversions keep the compiler from fusing multiply-adds, which
// would change the values on some architectures.
type Alea struct{ c, s0, s1, s2 float64 }

// NewAlea returns the generator seeded with seed.
func NewAlea(seed []byte) *Alea {
	m := mash{n: 0xefc8249d}
	a := &Alea{c: 1}
	space := []byte{' '}
	a.s0 = m.mash(space)
	a.s1 = m.mash(space)
	a.s2 = m.mash(space)
	if a.s0 -= m.mash(seed); a.s0 < 0 {
		a.s0++
	}
	if a.s1 -= m.mash(seed); a.s1 < 0 {
		a.s1++
	}
	if a.s2 -= m.mash(seed); a.s2 < 0 {
		a.s2++
	}
	return a
}

// Next returns the next value, in [0, 1).
func (a *Alea) Next() float64 {
	t := float64(2091639*a.s0) + float64(a.c*2.3283064365386963e-10)
	a.s0 = a.s1
	a.s1 = a.s2
	a.c = math.Trunc(t) // t | 0: t is positive and below 2^31
	a.s2 = t - a.c
	return a.s2
}

// mash is Alea's seed hash.
type mash struct{ n float64 }

func (m *mash) mash(data []byte) float64 {
	n := m.n
	for _, d := range data {
		n += float64(d)
		h := float64(0.02519603282416938 * n)
		n = float64(jsUint32(h))
		h -= n
		h *= n
		n = float64(jsUint32(h))
		h -= n
		n += float64(h * 0x100000000)
	}
	m.n = n
	return float64(float64(jsUint32(n)) * 2.3283064365386963e-10)
}

// jsUint32 is JavaScript's ToUint32 (x >>> 0) of a finite non-negative x.
func jsUint32(x float64) uint32 {
	return uint32(uint64(math.Mod(math.Trunc(x), 0x100000000)))
}

// UUID4 returns a version 4 UUID from four draws of random, as the
// TypeScript SDK's uuid4 makes it.
func UUID4(random func() float64) string {
	var b [16]byte
	for i := 0; i < 16; i += 4 {
		binary.BigEndian.PutUint32(b[i:], jsUint32(random()*0x100000000))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
