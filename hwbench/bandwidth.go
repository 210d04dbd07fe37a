package hwbench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Bandwidth probe kernels, as STREAM names them. Bytes are counted the STREAM way:
// copy moves 2 × the array (read one, write one), triad 3 × (read two, write one);
// write-allocate traffic is not counted.
const (
	KernelCopy  = "copy"  // dst[i] = src[i], with Go's copy (memmove)
	KernelTriad = "triad" // a[i] = b[i] + s·c[i] over float64
)

// DefaultProbeBytes is the size of each of the probe's arrays: 256 MiB, far beyond any
// CPU cache (the largest last-level caches are a few hundred MiB), or 1/32 of the
// memory on small devices, but never under 32 MiB.
func DefaultProbeBytes(memory int64) int64 {
	n := int64(256 << 20)
	if memory > 0 && memory/32 < n {
		n = max(memory/32, 32<<20)
	}
	return n
}

// Probe is a STREAM-style memory bandwidth probe: arrays of Size bytes each, split
// across Threads goroutines so every core pulls on memory at once.
type Probe struct {
	Kernel  string
	Size    int64
	Threads int

	copySrc, copyDst []byte
	a, b, c          []float64
}

// NewProbe allocates and touches the arrays of kernel (so page faults are not timed).
func NewProbe(kernel string, size int64, threads int) (*Probe, error) {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	if size < 1<<20 {
		return nil, fmt.Errorf("bandwidth probe: array size %d bytes is too small to leave the caches", size)
	}
	p := &Probe{Kernel: kernel, Size: size, Threads: threads}
	switch kernel {
	case KernelCopy:
		p.copySrc, p.copyDst = make([]byte, size), make([]byte, size)
		for i := range p.copySrc {
			p.copySrc[i] = byte(i)
		}
		copy(p.copyDst, p.copySrc)
	case KernelTriad:
		n := size / 8
		p.a, p.b, p.c = make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range p.b {
			p.a[i], p.b[i], p.c[i] = 0, 1, 2
		}
	default:
		return nil, fmt.Errorf("bandwidth probe: unknown kernel %q (want %s or %s)", kernel, KernelCopy, KernelTriad)
	}
	return p, nil
}

// BytesPerPass is how many bytes one pass moves, counted the STREAM way.
func (p *Probe) BytesPerPass() int64 {
	if p.Kernel == KernelCopy {
		return 2 * p.Size
	}
	return 3 * (p.Size / 8) * 8
}

// Pass runs the kernel once over the whole arrays and returns how long it took.
func (p *Probe) Pass() time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for t := 0; t < p.Threads; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			switch p.Kernel {
			case KernelCopy:
				lo, hi := span(len(p.copySrc), t, p.Threads)
				copy(p.copyDst[lo:hi], p.copySrc[lo:hi])
			case KernelTriad:
				lo, hi := span(len(p.a), t, p.Threads)
				a, b, c := p.a[lo:hi], p.b[lo:hi], p.c[lo:hi]
				const s = 3.0
				for i := range a {
					a[i] = b[i] + s*c[i]
				}
			}
		}(t)
	}
	wg.Wait()
	return time.Since(start)
}

func span(n, t, threads int) (lo, hi int) {
	return n * t / threads, n * (t + 1) / threads
}

// Free lets the arrays be collected.
func (p *Probe) Free() { p.copySrc, p.copyDst, p.a, p.b, p.c = nil, nil, nil, nil, nil }

// BandwidthResult is what MeasureBandwidth found for one kernel.
type BandwidthResult struct {
	Kernel  string
	GBs     float64 // best pass, 1 GB = 1e9 bytes
	Size    int64
	Threads int
	Passes  int
}

// MeasureBandwidth runs kernel for passes timed passes after one untimed warm-up, and
// reports the best, as STREAM does.
func MeasureBandwidth(ctx context.Context, kernel string, size int64, threads, passes int) (BandwidthResult, error) {
	p, err := NewProbe(kernel, size, threads)
	if err != nil {
		return BandwidthResult{}, err
	}
	defer p.Free()
	p.Pass()
	best := time.Duration(0)
	for i := 0; i < passes; i++ {
		if err := ctx.Err(); err != nil {
			return BandwidthResult{}, err
		}
		if d := p.Pass(); best == 0 || d < best {
			best = d
		}
	}
	return BandwidthResult{Kernel: kernel, GBs: float64(p.BytesPerPass()) / best.Seconds() / 1e9,
		Size: size, Threads: p.Threads, Passes: passes}, nil
}
