package hwbench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProbeKernelsComputeWhatTheyClaim(t *testing.T) {
	p, err := NewProbe(KernelCopy, 3<<20+5, 3)
	require.NoError(t, err)
	for i := range p.copyDst {
		p.copyDst[i] = 0
	}
	p.Pass()
	assert.Equal(t, p.copySrc, p.copyDst, "every thread's share is copied")
	assert.Equal(t, int64(2*(3<<20+5)), p.BytesPerPass())

	p, err = NewProbe(KernelTriad, 2<<20, 2)
	require.NoError(t, err)
	p.Pass()
	for i, v := range p.a {
		if v != 7 {
			t.Fatalf("a[%d] = %v after a triad pass, want 1 + 3×2 = 7", i, v)
		}
	}
	assert.Equal(t, int64(3*(2<<20)), p.BytesPerPass())

	_, err = NewProbe("scale", 1<<20, 1)
	assert.ErrorContains(t, err, "unknown kernel")
	_, err = NewProbe(KernelCopy, 1024, 1)
	assert.ErrorContains(t, err, "too small")
}

func TestMeasureBandwidth(t *testing.T) {
	r, err := MeasureBandwidth(context.Background(), KernelCopy, 8<<20, 0, 2)
	require.NoError(t, err)
	assert.Greater(t, r.GBs, 0.0)
	assert.Equal(t, 2, r.Passes)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = MeasureBandwidth(ctx, KernelCopy, 8<<20, 0, 2)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDefaultProbeBytes(t *testing.T) {
	assert.Equal(t, int64(256<<20), DefaultProbeBytes(64<<30))
	assert.Equal(t, int64(128<<20), DefaultProbeBytes(4<<30), "a 4 GiB Pi gets 1/32 of its memory")
	assert.Equal(t, int64(32<<20), DefaultProbeBytes(512<<20), "never under 32 MiB")
	assert.Equal(t, int64(256<<20), DefaultProbeBytes(0))
}
