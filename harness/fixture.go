package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// A fixture is the recorded HTTP exchanges of one test, in one text file under
// fixtures/, keyed by the canonical request: method, URL path and canonical JSON body
// (the host is not part of the key: servers move between ports and machines). Secrets
// are scrubbed before anything is written.

const fixtureHeader = "lim fixture v1"

// FixtureMode says what the fixture transport does.
type FixtureMode int

// Fixture modes.
const (
	FixtureReplay FixtureMode = iota // serve recorded responses; a miss is an error
	FixtureRecord                    // call the server and record every exchange
	FixtureOff                       // call the server, record nothing
)

type exchange struct {
	method, path, reqBody string
	status                int
	contentType           string
	respBody              []byte
}

func (e exchange) key() string { return e.method + " " + e.path + "\n" + e.reqBody }

// Fixture is the recording/replaying transport of one test. It is an http.RoundTripper
// and safe for concurrent use by the test's subtests.
type Fixture struct {
	Path     string // the fixture file
	TestName string // the top-level test it belongs to
	mode     FixtureMode
	next     http.RoundTripper

	mu       sync.Mutex
	recorded []exchange
	replay   map[string][]exchange
	served   map[string]int
	loadErr  error
}

// FixtureMissError is returned when a replayed test makes a request that was never
// recorded. Its message says how to record it.
type FixtureMissError struct {
	Test, File, Request string
}

func (e *FixtureMissError) Error() string {
	return fmt.Sprintf("fixture miss in %s: no recorded response in %s for\n  %s\nrecord it against live models (see README, \"Recording fixtures\"):\n  %s",
		e.Test, e.File, clip(e.Request, 300), RecordCommand(e.Test, e.File))
}

// RecordCommand is the command that records the fixture file of test.
func RecordCommand(test, file string) string {
	pkg := "./..."
	if root, err := ModuleRoot(); err == nil {
		if rel, err := filepath.Rel(filepath.Join(root, "fixtures"), filepath.Dir(file)); err == nil && !strings.HasPrefix(rel, "..") {
			pkg = "./" + filepath.ToSlash(rel) + "/"
		}
	}
	models := os.Getenv("LIM_MODELS")
	if models == "" {
		models = DefaultReplayModels
	}
	return fmt.Sprintf("LIM_RECORD=1 LIM_MODELS='%s' go test -tags=local -count=1 -run '^%s$' %s", models, test, pkg)
}

// NewFixture returns the fixture transport for test, stored in file. In replay mode it
// loads the file now; a missing or malformed file makes every request fail with an
// error that names the file and the fix.
func NewFixture(test, file string, mode FixtureMode, next http.RoundTripper) *Fixture {
	f := &Fixture{Path: file, TestName: test, mode: mode, next: next, served: map[string]int{}}
	if mode == FixtureReplay {
		f.replay, f.loadErr = loadFixture(file)
	}
	return f
}

// RoundTrip implements http.RoundTripper.
func (f *Fixture) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	ex := exchange{method: req.Method, path: canonicalPath(req.URL), reqBody: canonicalBody(body)}
	switch f.mode {
	case FixtureReplay:
		return f.serve(req, ex)
	case FixtureRecord:
		resp, err := f.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		resp.Body = &recordingBody{ReadCloser: resp.Body, done: func(b []byte) {
			ex.status, ex.contentType, ex.respBody = resp.StatusCode, resp.Header.Get("Content-Type"), b
			f.mu.Lock()
			f.recorded = append(f.recorded, ex)
			f.mu.Unlock()
		}}
		return resp, nil
	default:
		return f.next.RoundTrip(req)
	}
}

func (f *Fixture) serve(req *http.Request, ex exchange) (*http.Response, error) {
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	f.mu.Lock()
	k := ex.key()
	list := f.replay[k]
	i := f.served[k]
	if i < len(list) {
		f.served[k]++
	}
	f.mu.Unlock()
	if len(list) == 0 {
		return nil, &FixtureMissError{Test: f.TestName, File: f.Path, Request: ex.method + " " + ex.path + " " + ex.reqBody}
	}
	if i >= len(list) {
		i = len(list) - 1 // the same request again: the last recorded answer
	}
	rec := list[i]
	h := http.Header{}
	if rec.contentType != "" {
		h.Set("Content-Type", rec.contentType)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(rec.respBody)),
		ContentLength: int64(len(rec.respBody)),
		Request:       req,
	}, nil
}

// recordingBody passes a streamed body through untouched while keeping a copy, so
// recording does not change the timings a live run measures.
type recordingBody struct {
	io.ReadCloser
	buf  bytes.Buffer
	once sync.Once
	done func([]byte)
}

func (r *recordingBody) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.buf.Write(p[:n])
	if err == io.EOF {
		r.once.Do(func() { r.done(r.buf.Bytes()) })
	}
	return n, err
}

func (r *recordingBody) Close() error {
	// A client that stops reading early still gets what it read recorded.
	r.once.Do(func() { r.done(r.buf.Bytes()) })
	return r.ReadCloser.Close()
}

// Recorded reports how many exchanges the fixture recorded.
func (f *Fixture) Recorded() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recorded)
}

// Save writes the recorded exchanges to the fixture file, scrubbed, in a stable order.
// It does nothing unless recording, and keeps an existing file when nothing was
// recorded (a resumed run that made no call).
func (f *Fixture) Save() error {
	if f.mode != FixtureRecord {
		return nil
	}
	f.mu.Lock()
	exs := append([]exchange(nil), f.recorded...)
	f.mu.Unlock()
	if len(exs) == 0 {
		return nil
	}
	sort.SliceStable(exs, func(i, j int) bool { return exs[i].key() < exs[j].key() })
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", fixtureHeader)
	fmt.Fprintf(&b, "# Recorded HTTP exchanges of %s, replayed when tests run without -tags=local.\n", f.TestName)
	fmt.Fprintf(&b, "# Re-record: %s\n", RecordCommand(f.TestName, f.Path))
	for _, ex := range exs {
		ct := ex.contentType
		if ct == "" {
			ct = "-"
		}
		reqBody, respBody := Scrub(ex.reqBody), Scrub(string(ex.respBody))
		fmt.Fprintf(&b, "request %s %s %d\n%s\n", ex.method, Scrub(ex.path), len(reqBody), reqBody)
		fmt.Fprintf(&b, "response %d %s %d\n%s\n", ex.status, strings.ReplaceAll(ct, " ", ""), len(respBody), respBody)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
		return fmt.Errorf("save fixture %s: %w", f.Path, err)
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("save fixture %s: %w", f.Path, err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		return fmt.Errorf("save fixture %s: %w", f.Path, err)
	}
	return nil
}

// loadFixture parses a fixture file into replay queues keyed by request.
func loadFixture(file string) (map[string][]exchange, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return map[string][]exchange{}, nil // every request is then a miss, with the record command
	}
	if err != nil {
		return nil, fmt.Errorf("read fixture %s: %w", file, err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	bad := func(format string, args ...any) error {
		return fmt.Errorf("fixture %s is malformed: %s; re-record it (see README, \"Recording fixtures\") or restore it from git", file, fmt.Sprintf(format, args...))
	}
	line, err := r.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != fixtureHeader {
		return nil, bad("first line is not %q", fixtureHeader)
	}
	out := map[string][]exchange{}
	readBody := func(n int) ([]byte, error) {
		b := make([]byte, n+1)
		if _, err := io.ReadFull(r, b); err != nil || b[n] != '\n' {
			return nil, bad("a body is shorter than its stated length %d", n)
		}
		return b[:n], nil
	}
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			return out, nil
		}
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || f[0] != "request" {
			return nil, bad("expected \"request METHOD PATH LENGTH\", got %q", strings.TrimSpace(line))
		}
		n, err := strconv.Atoi(f[3])
		if err != nil {
			return nil, bad("request length %q", f[3])
		}
		reqBody, err := readBody(n)
		if err != nil {
			return nil, err
		}
		line, _ = r.ReadString('\n')
		g := strings.Fields(line)
		if len(g) != 4 || g[0] != "response" {
			return nil, bad("expected \"response STATUS CONTENT-TYPE LENGTH\" after a request, got %q", strings.TrimSpace(line))
		}
		status, err1 := strconv.Atoi(g[1])
		m, err2 := strconv.Atoi(g[3])
		if err1 != nil || err2 != nil {
			return nil, bad("response line %q", strings.TrimSpace(line))
		}
		respBody, err := readBody(m)
		if err != nil {
			return nil, err
		}
		ct := g[2]
		if ct == "-" {
			ct = ""
		}
		ex := exchange{method: f[1], path: f[2], reqBody: string(reqBody), status: status, contentType: ct, respBody: respBody}
		out[ex.key()] = append(out[ex.key()], ex)
	}
}

// canonicalPath is the request's path and its query, scrubbed of credentials.
func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if secretParam.MatchString(k) {
				q.Set(k, "[scrubbed]")
			}
		}
		p += "?" + q.Encode()
	}
	return p
}

var secretParam = regexp.MustCompile(`(?i)^(key|api[-_]?key|token|access[-_]?token|secret|sig|signature)$`)

// canonicalBody re-encodes a JSON body with sorted keys and no insignificant space, so
// the same request always has the same key; other bodies are kept as they are.
func canonicalBody(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return Scrub(string(b))
	}
	out, err := json.Marshal(v)
	if err != nil {
		return Scrub(string(b))
	}
	return Scrub(string(out))
}

// keyShaped matches strings that look like credentials.
var keyShaped = []*regexp.Regexp{
	regexp.MustCompile(`sk-[A-Za-z0-9_\-]{16,}`),
	regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._\-]{16,}`),
	regexp.MustCompile(`AIza[0-9A-Za-z_\-]{30,}`),
	regexp.MustCompile(`gh[pousr]_[A-Za-z0-9]{30,}`),
}

// KeyShaped reports the first credential-shaped string in s, if any.
func KeyShaped(s string) (string, bool) {
	for _, re := range keyShaped {
		if m := re.FindString(s); m != "" {
			return m, true
		}
	}
	return "", false
}

// secretEnv matches the names of environment variables that hold secrets.
var secretEnv = regexp.MustCompile(`(?i)(_API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$`)

// Scrub removes credentials from s: the values of secret-named environment variables,
// and anything key-shaped.
func Scrub(s string) string {
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if len(v) >= 8 && secretEnv.MatchString(k) {
			s = strings.ReplaceAll(s, v, "[scrubbed]")
		}
	}
	for _, re := range keyShaped {
		s = re.ReplaceAllString(s, "[scrubbed]")
	}
	return s
}

// ModuleRoot returns the directory of the go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("find module root: no go.mod above %s", dir)
		}
	}
}

// FixturePath is where the fixture of the top-level test named test lives, for the
// package in the working directory: fixtures/<package dir>/<test>.txt under the module
// root (LIM_FIXTURES overrides the fixtures directory).
func FixturePath(test string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(root, wd)
	if err != nil {
		return "", fmt.Errorf("fixture path for %s: %w", test, err)
	}
	base := filepath.Join(root, "fixtures")
	if d := os.Getenv("LIM_FIXTURES"); d != "" {
		base = d
	}
	name := strings.NewReplacer("/", "_", " ", "_", ":", "_").Replace(test)
	return filepath.Join(base, rel, name+".txt"), nil
}
