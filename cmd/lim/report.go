package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "results database (default: LIM_DB, else results/lim.db)")
	batch := fs.String("batch", "", "batch to report (default: the most recent)")
	format := fs.String("format", "text", "text or markdown")
	hw := fs.Bool("hw", false, "report the hardware benchmarks (hwbench): devices side by side per model")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := results.ParseFormat(*format)
	if err != nil {
		return err
	}
	if *hw {
		return printHWReport(ctx, dbPath(*db), *batch, f, stdout)
	}
	return printReport(ctx, dbPath(*db), *batch, f, stdout)
}

func dbPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if env := os.Getenv("LIM_DB"); env != "" {
		return env
	}
	return harness.DefaultDBPath()
}

func printReport(ctx context.Context, path, batch string, f results.Format, w io.Writer) error {
	store, err := results.Open(ctx, path)
	if err != nil {
		return err
	}
	defer store.Close()
	rs, read, err := store.Results(ctx, results.Filter{Batch: batch})
	if err != nil {
		return err
	}
	if len(rs) == 0 && batch != "" {
		return fmt.Errorf("batch %q has no results in %s", batch, path)
	}
	vs, err := store.Verdicts(ctx, read)
	if err != nil {
		return err
	}
	return results.NewJudgedReport(read, rs, vs).Write(w, f)
}
