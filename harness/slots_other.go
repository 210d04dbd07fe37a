//go:build !unix

package harness

import (
	"context"
	"fmt"
	"sync"
)

var processSlots sync.Map // key → chan struct{}

// acquireSlot takes one of n slots for the server named key. Without flock the cap
// holds within this process only: run one package at a time (go test -p 1).
func acquireSlot(ctx context.Context, key string, n int) (func(), error) {
	if n < 1 {
		n = 1
	}
	v, _ := processSlots.LoadOrStore(key, make(chan struct{}, n))
	ch := v.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a free slot on %s: %w", key, context.Cause(ctx))
	}
}
