package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const toplineFlags = `// file: cli/flags.go
// Package cli implements the topline command: the most frequent lines of its input.
package cli

import (
	"errors"
	"flag"
	"io"
)

// Config is what the command line asks for.
type Config struct {
	IgnoreCase bool
	Top        int
	Min        int
	Files      []string
}

const usage = "usage: topline [-i] [-n N] [-min M] [file ...]"

// Parse parses the arguments (without the program name). It prints nothing; -h and
// -help give an error that wraps flag.ErrHelp.
func Parse(args []string) (Config, error) {
	cfg := Config{}
	fs := flag.NewFlagSet("topline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&cfg.IgnoreCase, "i", false, "compare lines case-insensitively")
	fs.IntVar(&cfg.Top, "n", 10, "show the N most frequent lines")
	fs.IntVar(&cfg.Min, "min", 1, "only lines seen at least M times")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if cfg.Top < 1 {
		return Config{}, errors.New("-n must be at least 1")
	}
	if cfg.Min < 1 {
		return Config{}, errors.New("-min must be at least 1")
	}
	cfg.Files = fs.Args()
	return cfg, nil
}`

const toplineRun = `// file: cli/run.go
package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Opener opens a named input file.
type Opener func(name string) (io.ReadCloser, error)

func osOpen(name string) (io.ReadCloser, error) { return os.Open(name) }

type entry struct {
	line  string // first spelling seen
	count int
}

// Run counts the lines of cfg.Files (stdin when there are none, or for "-") and writes
// the most frequent ones to stdout.
func Run(cfg Config, stdin io.Reader, stdout io.Writer, open Opener) error {
	if open == nil {
		open = osOpen
	}
	counts := map[string]*entry{}
	var order []*entry
	count := func(r io.Reader, name string) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1<<20+1)
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if line == "" {
				continue
			}
			key := line
			if cfg.IgnoreCase {
				key = strings.ToLower(line)
			}
			e, ok := counts[key]
			if !ok {
				e = &entry{line: line}
				counts[key] = e
				order = append(order, e)
			}
			e.count++
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	files := cfg.Files
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		if name == "-" {
			if err := count(stdin, "stdin"); err != nil {
				return err
			}
			continue
		}
		f, err := open(name)
		if err != nil {
			return err
		}
		err = count(f, name)
		f.Close()
		if err != nil {
			return err
		}
	}
	var out []*entry
	for _, e := range order {
		if e.count >= cfg.Min {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *entry) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return strings.Compare(a.line, b.line)
	})
	w := bufio.NewWriter(stdout)
	for _, e := range out[:min(cfg.Top, len(out))] {
		fmt.Fprintf(w, "%7d %s\n", e.count, e.line)
	}
	return w.Flush()
}

// Main runs the command and returns its exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, open Opener) int {
	cfg, err := Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "topline: %v\n%s\n", err, usage)
		return 2
	}
	if err := Run(cfg, stdin, stdout, open); err != nil {
		fmt.Fprintf(stderr, "topline: %v\n", err)
		return 1
	}
	return 0
}`

var cliFlagsAndRunSplit = harness.Register(&harness.Task{
	ID:         "cli-flags-and-run-split",
	Category:   harness.MultiFile,
	Title:      "Write a small CLI package with flag parsing in one file and the logic in another",
	Difficulty: 3,
	MaxTokens:  3072,
	Tags:       []string{"go", "cli", "flag", "io"},
	Prompt: `Write the package cli of the Go module example.com/topline (import path "example.com/topline/cli"). It implements a command that prints the most frequent lines of its input:

    usage: topline [-i] [-n N] [-min M] [file ...]

Put the flag handling in cli/flags.go:

    type Config struct {
        IgnoreCase bool     // -i
        Top        int      // -n, default 10
        Min        int      // -min, default 1
        Files      []string // the remaining arguments
    }
    func Parse(args []string) (Config, error)

- args excludes the program name; standard Go flag syntax (flags before files).
- Parse prints nothing itself. -n and -min below 1 are errors, so are unknown flags and non-numbers; -h / -help give an error for which errors.Is(err, flag.ErrHelp) holds.

Put the logic in cli/run.go:

    type Opener func(name string) (io.ReadCloser, error)
    func Run(cfg Config, stdin io.Reader, stdout io.Writer, open Opener) error
    func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, open Opener) int

- Run reads the files in order with open (os.Open when open is nil); no files, or the name "-", means stdin. All inputs are counted together.
- A trailing "\r" is removed from each line; empty lines are ignored. Lines can be up to 1 MiB long.
- With -i, lines that differ only in case count as one, shown with the first spelling seen.
- Only lines seen at least Min times are shown, at most Top of them, by count descending, ties by the shown line in ascending byte order. Each output line is fmt.Sprintf("%7d %s\n", count, line).
- If a file cannot be opened or read, Run returns an error naming it and writes nothing to stdout.
- Main parses args and runs: it returns 0 on success; 2 on a usage error, after writing "topline: <error>" and the usage line to stderr; 0 for -h, after writing the usage line to stderr; 1 if Run fails, after writing "topline: <error>" to stderr.

Reply with the two files, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"flag.FlagSet with ContinueOnError and validation", "streams several inputs with bufio.Scanner and a raised line limit", "deterministic sorting and exit codes"},
	Reference:    harness.Fenced("go", toplineFlags) + "\n\n" + harness.Fenced("go", toplineRun),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/topline",
		Tests: map[string]string{"cli_test.go": `package toplinetest

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"io/fs"
	"strings"
	"testing"

	"example.com/topline/cli"
)

func files(m map[string]string) cli.Opener {
	return func(name string) (io.ReadCloser, error) {
		s, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return io.NopCloser(strings.NewReader(s)), nil
	}
}

func run(t *testing.T, args []string, stdin string, fsys map[string]string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, strings.NewReader(stdin), &out, &errb, files(fsys))
	return code, out.String(), errb.String()
}

func TestParseDefaults(t *testing.T) {
	cfg, err := cli.Parse([]string{"a.log", "b.log"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IgnoreCase || cfg.Top != 10 || cfg.Min != 1 || strings.Join(cfg.Files, ",") != "a.log,b.log" {
		t.Errorf("got %+v", cfg)
	}
	cfg, err = cli.Parse([]string{"-i", "-n", "3", "-min=2", "-"})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.IgnoreCase || cfg.Top != 3 || cfg.Min != 2 || strings.Join(cfg.Files, ",") != "-" {
		t.Errorf("got %+v", cfg)
	}
}

func TestParseErrors(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-min", "0"}, {"-min", "-2"}, {"-q"}} {
		if _, err := cli.Parse(args); err == nil {
			t.Errorf("Parse(%q) accepted", args)
		}
	}
	if _, err := cli.Parse([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("Parse(-h) = %v, want flag.ErrHelp", err)
	}
}

func TestCountsAndOrder(t *testing.T) {
	in := "GET /a\nGET /b\nGET /a\n\nPOST /c\nGET /b\nGET /a\nDELETE /d\n"
	code, out, errs := run(t, nil, in, nil)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := "      3 GET /a\n      2 GET /b\n      1 DELETE /d\n      1 POST /c\n"
	if out != want {
		t.Errorf("stdout\n%q\nwant\n%q", out, want)
	}
}

func TestTopMinAndFiles(t *testing.T) {
	fsys := map[string]string{"a.log": "x\ny\nz\nx\r\n", "b.log": "y\nx\nw\nw\n"}
	code, out, errs := run(t, []string{"-n", "2", "-min", "2", "a.log", "-", "b.log"}, "z\n", fsys)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if want := "      3 x\n      2 w\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	code, out, _ = run(t, []string{"-min", "4", "a.log"}, "", fsys)
	if code != 0 || out != "" {
		t.Errorf("-min 4: exit %d stdout %q, want 0 and nothing", code, out)
	}
}

func TestIgnoreCaseKeepsFirstSpelling(t *testing.T) {
	code, out, _ := run(t, []string{"-i"}, "Error: disk full\nERROR: DISK FULL\nerror: disk full\nwarn\nWARN\nok\n", nil)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if want := "      3 Error: disk full\n      2 warn\n      1 ok\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	_, out, _ = run(t, nil, "A\na\n", nil)
	if want := "      1 A\n      1 a\n"; out != want {
		t.Errorf("without -i: stdout %q, want %q", out, want)
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 200*1024)
	code, out, errs := run(t, nil, long+"\n"+long+"\nshort\n", nil)
	if code != 0 {
		t.Fatalf("200 KiB lines: exit %d, stderr %q", code, errs)
	}
	if !strings.HasPrefix(out, "      2 xxxx") || !strings.HasSuffix(out, "      1 short\n") {
		t.Errorf("200 KiB lines: unexpected output (%d bytes)", len(out))
	}
}

func TestExitCodes(t *testing.T) {
	code, out, errs := run(t, []string{"-n", "0"}, "", nil)
	if code != 2 || out != "" || !strings.Contains(errs, "topline:") || !strings.Contains(errs, "usage: topline") {
		t.Errorf("usage error: exit %d stdout %q stderr %q", code, out, errs)
	}
	code, _, errs = run(t, []string{"-help"}, "", nil)
	if code != 0 || !strings.Contains(errs, "usage: topline") {
		t.Errorf("-help: exit %d stderr %q", code, errs)
	}
	code, out, errs = run(t, []string{"a.log", "missing.log"}, "", map[string]string{"a.log": "x\n"})
	if code != 1 || out != "" || !strings.Contains(errs, "topline:") || !strings.Contains(errs, "missing.log") {
		t.Errorf("missing file: exit %d stdout %q stderr %q", code, out, errs)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Default bufio.Scanner buffer: lines over 64 KiB make the run fail.
		harness.Fenced("go", toplineFlags) + "\n\n" + harness.Fenced("go", strings.Replace(toplineRun, "\t\tsc.Buffer(make([]byte, 64*1024), 1<<20+1)\n", "", 1)),
		// With -i, shows the lower-cased key instead of the first spelling seen.
		harness.Fenced("go", toplineFlags) + "\n\n" + harness.Fenced("go", strings.Replace(toplineRun, "e = &entry{line: line}", "e = &entry{line: key}", 1)),
		// The flags file only: Run, Main and Opener are missing.
		harness.Fenced("go", toplineFlags),
	},
})

func TestCLIFlagsAndRunSplit(t *testing.T) { harness.Run(t, cliFlagsAndRunSplit) }
