package harness

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress prints one line per finished result while a run goes on, with done/total
// and an estimate of the time left. go test holds back a package's output until the
// package ends, so by default the lines go straight to the terminal (/dev/tty), else
// to stderr. LIM_PROGRESS=off|stdout|stderr|tty chooses; replays are quiet by default.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	total   int
	done    int
	fresh   int // results that needed a model call
	started time.Time
}

var runProgress = sync.OnceValue(func() *progress {
	return &progress{w: progressWriter(os.Getenv("LIM_PROGRESS"), liveMode())}
})

func progressWriter(setting string, live bool) io.Writer {
	switch setting {
	case "off":
		return nil
	case "stdout":
		return os.Stdout
	case "stderr":
		return os.Stderr
	case "tty", "":
		if setting == "" && !live {
			return nil
		}
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			return tty
		}
		return os.Stderr
	}
	return os.Stderr
}

// plan adds n expected results to the total.
func (p *progress) plan(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started.IsZero() {
		p.started = time.Now()
	}
	p.total += n
}

// finish records one finished result and prints its line.
func (p *progress) finish(line string, reused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if !reused {
		p.fresh++
	}
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "lim [%d/%d%s] %s\n", p.done, p.total, p.eta(), line)
}

// eta estimates the time left from the pace of the fresh results so far: elapsed wall
// time per fresh result times the results left. Reused results take no time and are
// left out of the pace.
func (p *progress) eta() string {
	left := p.total - p.done
	if left <= 0 || p.fresh == 0 {
		return ""
	}
	pace := time.Since(p.started) / time.Duration(p.fresh)
	return fmt.Sprintf(", ~%s left", (pace * time.Duration(left)).Round(time.Second))
}
