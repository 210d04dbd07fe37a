package debugging

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const deferInLoopBuggy = `package logscan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Opener opens a log file for reading (os.Open in production).
type Opener func(name string) (io.ReadCloser, error)

// CountErrors reads every named log file and counts, per file, the lines that contain
// "level=error". Files with no such line are absent from the result. It stops at the
// first file that cannot be opened or read, and returns that error.
func CountErrors(open Opener, names []string) (map[string]int, error) {
	counts := make(map[string]int)
	for _, name := range names {
		f, err := open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "level=error") {
				counts[name]++
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	return counts, nil
}`

const deferInLoopReference = `package logscan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Opener opens a log file for reading (os.Open in production).
type Opener func(name string) (io.ReadCloser, error)

// CountErrors reads every named log file and counts, per file, the lines that contain
// "level=error". Files with no such line are absent from the result. It stops at the
// first file that cannot be opened or read, and returns that error.
func CountErrors(open Opener, names []string) (map[string]int, error) {
	counts := make(map[string]int)
	for _, name := range names {
		n, err := countFile(open, name)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			counts[name] = n
		}
	}
	return counts, nil
}

// countFile counts the error lines of one file and closes it before returning, so at
// most one file is open at a time however many names CountErrors gets.
func countFile(open Opener, name string) (int, error) {
	f, err := open(name)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "level=error") {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", name, err)
	}
	return n, nil
}`

var deferInLoopLeaksFiles = harness.Register(&harness.Task{
	ID:         "defer-in-loop-leaks-files",
	Category:   harness.Debugging,
	Title:      "Fix file handles leaked by defer inside a loop",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"go", "defer", "resource-leak", "files"},
	Prompt: `The nightly job that scans rotated logs started failing once the log directory grew past a
thousand files:

    2024-05-18T02:00:41Z ERROR logscan: open /var/log/app/app.log.1021: open /var/log/app/app.log.1021: too many open files
    2024-05-18T02:00:41Z ERROR job log-error-report failed after 1020 files (ulimit -n 1024)

lsof on the process while it ran showed every previously scanned file still open. The code:

` + harness.Fenced("go", deferInLoopBuggy) + `

Fix the resource handling: at most one file may be open at any moment, and every file that
was opened must be closed by the time CountErrors returns, on success and on every error
path. Keep the signature, the counting rules and the error messages.
Reply with the complete fixed Go file in one fenced code block.`,
	Capabilities: []string{"defer runs at function return, not loop iteration", "closes resources on every error path", "reads an ops log"},
	Reference:    harness.Fenced("go", deferInLoopReference),
	Checks: []harness.Check{harness.GoTests{
		Package: "logscan",
		Tests: map[string]string{"logscan_test.go": `package logscan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// fs hands out readers and tracks how many are open.
type fs struct {
	files   map[string]string
	failOn  map[string]error // open error
	readErr map[string]bool  // reader fails after its content
	open    int
	maxOpen int
	opened  int
	closed  int
}

type file struct {
	fs     *fs
	r      io.Reader
	fail   bool
	closed bool
}

func (f *file) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF && f.fail {
		return n, errors.New("input/output error")
	}
	return n, err
}

func (f *file) Close() error {
	if f.closed {
		return errors.New("already closed")
	}
	f.closed = true
	f.fs.open--
	f.fs.closed++
	return nil
}

func (s *fs) Open(name string) (io.ReadCloser, error) {
	if err := s.failOn[name]; err != nil {
		return nil, err
	}
	s.open++
	s.opened++
	s.maxOpen = max(s.maxOpen, s.open)
	return &file{fs: s, r: strings.NewReader(s.files[name]), fail: s.readErr[name]}, nil
}

func many(n int) (*fs, []string) {
	s := &fs{files: map[string]string{}, failOn: map[string]error{}, readErr: map[string]bool{}}
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("app.log.%d", i)
		names = append(names, name)
		s.files[name] = strings.Repeat("level=info msg=ok\n", i%3) + strings.Repeat("level=error msg=boom\n", i%4)
	}
	return s, names
}

func TestCounts(t *testing.T) {
	s, names := many(8)
	got, err := CountErrors(s.Open, names)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"app.log.1": 1, "app.log.2": 2, "app.log.3": 3, "app.log.5": 1, "app.log.6": 2, "app.log.7": 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAtMostOneOpen(t *testing.T) {
	s, names := many(2000)
	if _, err := CountErrors(s.Open, names); err != nil {
		t.Fatal(err)
	}
	if s.maxOpen != 1 {
		t.Errorf("%d files were open at once, want 1", s.maxOpen)
	}
	if s.open != 0 || s.closed != 2000 {
		t.Errorf("after return: %d still open, %d closed of 2000", s.open, s.closed)
	}
}

func TestClosesOnOpenError(t *testing.T) {
	s, names := many(5)
	s.failOn["app.log.3"] = errors.New("permission denied")
	_, err := CountErrors(s.Open, names)
	if err == nil || err.Error() != "open app.log.3: permission denied" {
		t.Fatalf("err = %v", err)
	}
	if s.open != 0 || s.maxOpen > 1 {
		t.Errorf("%d files left open (max %d at once)", s.open, s.maxOpen)
	}
}

func TestClosesOnReadError(t *testing.T) {
	s, names := many(5)
	s.readErr["app.log.2"] = true
	got, err := CountErrors(s.Open, names)
	if err == nil || err.Error() != "read app.log.2: input/output error" || got != nil {
		t.Fatalf("got %v, err = %v", got, err)
	}
	if s.open != 0 || s.maxOpen > 1 {
		t.Errorf("%d files left open after a read error (max %d at once)", s.open, s.maxOpen)
	}
	if s.opened != 3 {
		t.Errorf("opened %d files, want 3 (stop at the failing one)", s.opened)
	}
}

func TestEmpty(t *testing.T) {
	s, _ := many(0)
	got, err := CountErrors(s.Open, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v", got, err)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", deferInLoopBuggy),
		// Closes at the end of each iteration, but the read-error return skips the Close.
		harness.Fenced("go", `package logscan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

type Opener func(name string) (io.ReadCloser, error)

func CountErrors(open Opener, names []string) (map[string]int, error) {
	counts := make(map[string]int)
	for _, name := range names {
		f, err := open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "level=error") {
				counts[name]++
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		f.Close()
	}
	return counts, nil
}`),
	},
})

func TestDeferInLoopLeaksFiles(t *testing.T) { harness.Run(t, deferInLoopLeaksFiles) }
