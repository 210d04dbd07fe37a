// Command lim is lim's small CLI for what is not a test: it runs the suites and prints
// the leaderboard from the results store.
//
//	lim run [-live] [-- go test flags]   run the task suites, then print the leaderboard
//	lim report [-batch B] [-format text|markdown]
//
// Everything lim measures is a Go test; see README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"run", "run the task suites (replayed from fixtures, or live with -live), then print the leaderboard", runCmd},
		{"report", "print the leaderboard of a batch from the results store", reportCmd},
		{"review", "list results whose judges disagree, and record a person's score (list, score)", reviewCmd},
		{"rejudge", "judge stored answers again with another panel or judge prompt, without calling the models", rejudgeCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lim:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return fmt.Errorf("no command given")
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: lim <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `lim <command> -h` for a command's flags.")
}
