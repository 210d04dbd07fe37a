package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// testEvent is one line of `go test -json`.
type testEvent struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "call live models (go test -tags=local) instead of replaying fixtures")
	models := fs.String("models", "", "model specs, comma-separated (default: LIM_MODELS; live: every model Ollama lists; replay: the recorded ones)")
	batch := fs.String("batch", "", "batch name (default: LIM_BATCH, else from today's date); re-use one to resume it")
	format := fs.String("format", "text", "leaderboard format: text or markdown")
	pkgs := fs.String("pkgs", "./suites/...", "packages to run")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lim run [flags] [-- extra go test flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := results.ParseFormat(*format)
	if err != nil {
		return err
	}
	root, err := harness.ModuleRoot()
	if err != nil {
		return fmt.Errorf("lim run works inside lim's repository: %w", err)
	}

	b := *batch
	if b == "" {
		b = os.Getenv("LIM_BATCH")
	}
	if b == "" {
		// Fixed here once, so a run that passes midnight stays one batch.
		b = harness.DefaultBatch(*live, time.Now())
	}
	goArgs := []string{"test", "-json", "-count=1", "-timeout=0", "-parallel=64"}
	if *live {
		goArgs = append(goArgs, "-tags=local")
	}
	goArgs = append(goArgs, fs.Args()...)
	goArgs = append(goArgs, strings.Fields(*pkgs)...)

	cmd := exec.CommandContext(ctx, "go", goArgs...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LIM_BATCH="+b)
	if *models != "" {
		cmd.Env = append(cmd.Env, "LIM_MODELS="+*models)
	}
	if *live && os.Getenv("LIM_PROGRESS") == "" {
		cmd.Env = append(cmd.Env, "LIM_PROGRESS=stdout")
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "lim: batch %s (resume it with LIM_BATCH=%s); running go %s\n", b, b, strings.Join(goArgs, " "))
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start go test: %w", err)
	}
	sum := follow(out, stderr)
	runErr := cmd.Wait()

	fmt.Fprintf(stderr, "lim: %d tests passed, %d failed, %d skipped\n", sum.pass, len(sum.failed), sum.skip)
	if len(sum.failed) > 0 {
		fmt.Fprintf(stderr, "lim: failed: %s\n", strings.Join(sum.failed, ", "))
	}
	fmt.Fprintln(stdout)
	if err := printReport(ctx, dbPathFromEnv(cmd.Env), b, f, stdout); err != nil {
		return errors.Join(err, runErr)
	}
	if runErr != nil {
		return fmt.Errorf("go test: %w (the results above include every finished measurement)", runErr)
	}
	return nil
}

type runSummary struct {
	pass, skip int
	failed     []string
}

// follow reads go test's JSON events: progress lines are shown as they arrive, the
// output of failed tests when they fail.
func follow(r io.Reader, w io.Writer) runSummary {
	var sum runSummary
	outputs := map[string][]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			fmt.Fprintln(w, sc.Text())
			continue
		}
		id := ev.Package + " " + ev.Test
		switch ev.Action {
		case "output":
			if strings.HasPrefix(ev.Output, "lim [") || strings.HasPrefix(ev.Output, "lim: ") {
				fmt.Fprint(w, ev.Output)
			} else if ev.Test != "" {
				outputs[id] = append(outputs[id], ev.Output)
			} else if strings.HasPrefix(ev.Output, "FAIL") || strings.Contains(ev.Output, "panic:") || strings.Contains(ev.Output, "[build failed]") || strings.HasPrefix(ev.Output, "#") {
				fmt.Fprint(w, ev.Output)
			}
		case "pass":
			if ev.Test != "" {
				sum.pass++
			}
			delete(outputs, id)
		case "skip":
			if ev.Test != "" {
				sum.skip++
			}
			delete(outputs, id)
		case "fail":
			if ev.Test != "" && !strings.Contains(ev.Test, "/") {
				sum.failed = append(sum.failed, ev.Test)
			}
			if ev.Test != "" {
				fmt.Fprint(w, strings.Join(outputs[id], ""))
			}
			delete(outputs, id)
		}
	}
	sort.Strings(sum.failed)
	return sum
}

func dbPathFromEnv(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "LIM_DB="); ok && v != "" {
			return v
		}
	}
	return harness.DefaultDBPath()
}
