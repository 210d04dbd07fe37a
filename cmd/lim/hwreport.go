package main

import (
	"context"
	"fmt"
	"io"

	"github.com/local-inference-machine/lim/results"
)

// printHWReport writes `lim report -hw`: every device hwbench has measured, side by
// side, per model, from the store at path.
func printHWReport(ctx context.Context, path, batch string, f results.Format, w io.Writer) error {
	if batch != "" {
		return fmt.Errorf("-batch selects a batch of suite results; -hw reports the hardware benchmarks of every device in %s: drop one of them", path)
	}
	store, err := results.Open(ctx, path)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := store.HWReport(ctx)
	if err != nil {
		return err
	}
	return rep.Write(w, f)
}
