// Command ollama-dev provides the real Ollama server lim uses in development
// and CI: it builds the pinned Ollama version, writes lim's tiny model, and
// serves that model on loopback.
//
// Usage:
//
//	ollama-dev install              build or find ollama; print its path
//	ollama-dev model <path>         write the tiny model as a GGUF file
//	ollama-dev serve [-parallel N]  serve the tiny model until interrupted
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/local-inference-machine/lim/internal/devollama"
)

const usage = `usage: ollama-dev <command> [arguments]

Commands:
  install              build ollama ` + devollama.Version + ` into the user cache if needed
                       (or use $` + devollama.EnvBin + `) and print its path
  model <path>         write the tiny model (` + devollama.TinyModel + `) as a GGUF file
  serve [-parallel N]  install if needed, start ollama on a loopback port with the
                       tiny model, print OLLAMA_HOST=... and LIM_TINY_MODEL=...,
                       and serve until interrupted

The tiny model has random weights: its answers are meaningless.
`

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	var uerr usageError
	switch {
	case errors.As(err, &uerr):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ollama-dev:", err)
		os.Exit(1)
	}
}

type usageError string

func (e usageError) Error() string { return string(e) }

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError(usage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd, args := args[0], args[1:]; cmd {
	case "install":
		fs := newFlagSet("install", stderr)
		if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
			return usageError("usage: ollama-dev install")
		}
		bin, err := devollama.Install(ctx, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, bin)
		return nil

	case "model":
		fs := newFlagSet("model", stderr)
		if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
			return usageError("usage: ollama-dev model <path>")
		}
		return devollama.WriteTinyModel(fs.Arg(0))

	case "serve":
		fs := newFlagSet("serve", stderr)
		parallel := fs.Int("parallel", 0, "set OLLAMA_NUM_PARALLEL (0: Ollama's default)")
		if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
			return usageError("usage: ollama-dev serve [-parallel N]")
		}
		return serve(ctx, *parallel, stdout, stderr)

	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil

	default:
		return usageError(fmt.Sprintf("ollama-dev: unknown command %q\n\n%s", cmd, usage))
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func serve(ctx context.Context, parallel int, stdout, stderr io.Writer) error {
	bin, err := devollama.Install(ctx, stderr)
	if err != nil {
		return err
	}
	srv, err := devollama.Start(ctx, devollama.Options{Bin: bin, NumParallel: parallel})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OLLAMA_HOST=%s\nLIM_TINY_MODEL=%s\n", srv.Host(), devollama.TinyModel)
	fmt.Fprintf(stderr, "serving %s at %s (log: %s); interrupt to stop\n", devollama.TinyModel, srv.URL(), srv.LogPath())
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "stopping")
	case <-srv.Done():
		fmt.Fprintf(stderr, "ollama exited; end of its log:\n%s", srv.LogTail())
	}
	return srv.Stop()
}
