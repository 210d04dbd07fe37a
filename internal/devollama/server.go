package devollama

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// tinyTemplate renders the system prompt and the conversation plainly.
const tinyTemplate = "{{- range .Messages }}{{ .Role }}: {{ .Content }}\n{{ end }}assistant: "

const (
	startTimeout = 60 * time.Second // when ctx has no deadline
	pollInterval = 75 * time.Millisecond
	stopTimeout  = 10 * time.Second
)

// Options configures Start. The zero value is ready to use once an Ollama
// binary is installed.
type Options struct {
	// Bin is the ollama binary; empty means the one Find reports.
	Bin string
	// ModelsDir is OLLAMA_MODELS; empty means a new temporary directory,
	// removed by Stop.
	ModelsDir string
	// NumParallel sets OLLAMA_NUM_PARALLEL when > 0.
	NumParallel int
	// LogPath receives the server's output; empty means a new file in the
	// temporary directory, kept after Stop.
	LogPath string
	// Env holds extra KEY=value settings for the server, applied last.
	Env []string
}

// Server is a running `ollama serve` on a loopback port that serves
// TinyModel.
type Server struct {
	host    string
	logPath string
	cmd     *exec.Cmd
	remove  []string // temporary directories to remove on Stop

	exited  chan struct{} // closed once the process has exited
	waitErr error         // the process's exit, valid once exited is closed

	stopOnce sync.Once
	stopErr  error
}

// Start starts `ollama serve` on a free loopback port with its own models
// directory and HOME, waits until it answers (until ctx's deadline, or 60
// seconds), and creates TinyModel on it. Settings from the environment that
// start with OLLAMA_ are not passed on; use Options.Env for those. On
// failure the error includes the end of the server's log.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin := opts.Bin
	if bin == "" {
		var ok bool
		if bin, ok = Find(); !ok {
			return nil, fmt.Errorf("starting ollama: no binary found: run `go run ./cmd/ollama-dev install` or set %s", EnvBin)
		}
	}

	run, err := os.MkdirTemp("", "lim-ollama-")
	if err != nil {
		return nil, fmt.Errorf("starting ollama: creating its directory: %w", err)
	}
	s := &Server{remove: []string{run}, exited: make(chan struct{})}
	models := opts.ModelsDir
	if models == "" {
		models = filepath.Join(run, "models")
	}
	home := filepath.Join(run, "home")
	for _, d := range []string{models, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("starting ollama: creating %s: %w", d, err)
		}
	}

	var logf *os.File
	if opts.LogPath != "" {
		logf, err = os.Create(opts.LogPath)
	} else {
		logf, err = os.CreateTemp("", "lim-ollama-*.log")
	}
	if err != nil {
		s.cleanup()
		return nil, fmt.Errorf("starting ollama: creating its log: %w", err)
	}
	s.logPath = logf.Name()

	port, err := freePort()
	if err != nil {
		logf.Close()
		s.cleanup()
		return nil, err
	}
	s.host = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	env := []string{
		"HOME=" + home,
		"OLLAMA_HOST=" + s.host,
		"OLLAMA_MODELS=" + models,
		"OLLAMA_NOPRUNE=1",
	}
	if opts.NumParallel > 0 {
		env = append(env, "OLLAMA_NUM_PARALLEL="+strconv.Itoa(opts.NumParallel))
	}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(append(inheritedEnv(), env...), opts.Env...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	ownProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		s.cleanup()
		return nil, fmt.Errorf("starting %s serve: %w", bin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		logf.Close()
		close(s.exited)
	}()

	if err := s.start(ctx, run); err != nil {
		tail := s.logTail()
		s.Stop()
		return nil, fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, s.logPath, tail)
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, run string) error {
	ctx, cancel := withDefaultTimeout(ctx, startTimeout)
	defer cancel()
	if err := s.waitReady(ctx); err != nil {
		return err
	}
	return s.createTinyModel(ctx, run)
}

// withDefaultTimeout bounds ctx by d unless it already has a deadline.
func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// waitReady polls GET /api/version until the server answers, the process
// exits or ctx is done.
func (s *Server) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/api/version", nil)
		if err != nil {
			return fmt.Errorf("waiting for ollama: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /api/version: %s", resp.Status)
		}
		last = err
		select {
		case <-s.exited:
			return fmt.Errorf("waiting for ollama at %s: server exited: %v", s.host, s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("waiting for ollama at %s: %w (last: %v)", s.host, ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// createTinyModel writes the tiny model, uploads it as a blob and creates
// TinyModel and EndlessModel from it.
func (s *Server) createTinyModel(ctx context.Context, run string) error {
	path := filepath.Join(run, "tiny.gguf")
	if err := WriteTinyModel(path); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading tiny model: %w", err)
	}
	sum := sha256.Sum256(data)
	digest := "sha256:" + hex.EncodeToString(sum[:])

	base, err := url.Parse(s.URL())
	if err != nil {
		return fmt.Errorf("creating model %s: %w", TinyModel, err)
	}
	client := api.NewClient(base, http.DefaultClient)
	if err := client.CreateBlob(ctx, digest, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("uploading tiny model: %w", err)
	}
	for _, m := range []struct {
		name   string
		params map[string]any
	}{
		// The server's default context is 4096 tokens on a CPU; the models take
		// hwbench's 4096-token prompts plus their output.
		{TinyModel, map[string]any{"num_ctx": tinyContext, "stop": []string{TinyStop}}},
		{EndlessModel, map[string]any{"num_ctx": tinyContext}},
	} {
		req := &api.CreateRequest{
			Model:      m.name,
			Files:      map[string]string{"tiny.gguf": digest},
			Template:   tinyTemplate,
			Parameters: m.params,
		}
		if err := client.Create(ctx, req, func(api.ProgressResponse) error { return nil }); err != nil {
			return fmt.Errorf("creating model %s: %w", m.name, err)
		}
	}
	return nil
}

// Host returns the server's address, "127.0.0.1:port", as OLLAMA_HOST takes it.
func (s *Server) Host() string { return s.host }

// URL returns the server's base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return "http://" + s.host }

// LogPath returns the file that receives the server's output.
func (s *Server) LogPath() string { return s.logPath }

// Done is closed once the server process has exited, whether stopped or
// not.
func (s *Server) Done() <-chan struct{} { return s.exited }

// Env returns the settings that point an Ollama client at the server.
func (s *Server) Env() []string { return []string{"OLLAMA_HOST=" + s.host} }

// Stop stops the server and its runners: SIGTERM to its process group, then
// SIGKILL if it has not exited within 10 seconds. It removes the temporary
// directories Start created and keeps the log. It reports an early exit of
// the server or a forced kill; calling it again returns the same result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.stopErr = s.stop()
		s.cleanup()
	})
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.exited:
		kill(s.cmd) // runners left behind, if any
		return fmt.Errorf("ollama serve exited before Stop: %v", s.waitErr)
	default:
	}
	if err := terminate(s.cmd); err != nil {
		kill(s.cmd)
		<-s.exited
		return fmt.Errorf("stopping ollama: %w", err)
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.exited:
		kill(s.cmd) // runners that ignored SIGTERM, if any
		return nil
	case <-timer.C:
		kill(s.cmd)
		<-s.exited
		return fmt.Errorf("stopping ollama: no exit %v after SIGTERM; killed it", stopTimeout)
	}
}

func (s *Server) cleanup() {
	for _, d := range s.remove {
		os.RemoveAll(d)
	}
}

// logTail returns the end of the server's log.
func (s *Server) logTail() string {
	const max = 4 << 10 // bytes
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return fmt.Sprintf("(reading log: %v)", err)
	}
	if len(data) > max {
		data = data[len(data)-max:]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return string(data)
}

// LogTail returns the last few kilobytes of the server's log, for messages
// about failures.
func (s *Server) LogTail() string { return s.logTail() }

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	return port, nil
}

// inheritedEnv is the environment without OLLAMA_ settings, so a developer's
// own Ollama configuration does not leak into the server.
func inheritedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OLLAMA_") {
			env = append(env, kv)
		}
	}
	return env
}
