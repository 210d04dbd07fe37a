package harness

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cannedTransport answers every request with the next of its canned bodies: it stands in
// for the network so these tests exercise only the fixture file's format. The real
// server's exchanges are recorded and replayed in the integration tests.
type cannedTransport struct {
	bodies []string
	n      int
	seen   []*http.Request
}

func (c *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.seen = append(c.seen, req)
	body := c.bodies[c.n%len(c.bodies)]
	c.n++
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-ndjson"}, "Set-Cookie": {"session=abc"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

func post(t *testing.T, rt http.RoundTripper, url, body string, header map[string]string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), nil
}

func TestFixtureRecordThenReplay(t *testing.T) {
	const secret = "sk-or-v1-0123456789abcdef0123456789abcdef"
	t.Setenv("OPENROUTER_API_KEY", secret)
	file := filepath.Join(t.TempDir(), "fixtures", "TestX.txt")
	canned := &cannedTransport{bodies: []string{"{\"message\":\"first\"}\n{\"done\":true}\n", "second answer, echoing " + secret}}

	rec := NewFixture("TestX", file, FixtureRecord, canned)
	_, got, err := post(t, rec, "http://127.0.0.1:41234/api/chat?key="+secret, `{"model": "m", "seed": 1}`, map[string]string{"Authorization": "Bearer " + secret})
	require.NoError(t, err)
	assert.Contains(t, got, "first", "recording passes the live body through")
	_, _, err = post(t, rec, "http://127.0.0.1:41234/api/chat", `{"seed": 2, "model": "m"}`, nil)
	require.NoError(t, err)
	require.NoError(t, rec.Save())

	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), secret, "secrets never reach a fixture")
	assert.NotContains(t, string(raw), "session=abc", "response headers other than Content-Type are not kept")
	assert.NotContains(t, string(raw), "127.0.0.1:41234", "the host is not part of the fixture")
	_, found := KeyShaped(string(raw))
	assert.False(t, found)

	// Replay on another port, with keys reordered and spaced differently.
	rep := NewFixture("TestX", file, FixtureReplay, nil)
	status, got, err := post(t, rep, "http://localhost:9/api/chat", `{ "model":"m","seed":2 }`, nil)
	require.NoError(t, err)
	assert.Equal(t, 200, status)
	assert.Equal(t, "second answer, echoing [scrubbed]", got)
	_, got, err = post(t, rep, "http://localhost:9/api/chat?key="+secret, `{"seed":1,"model":"m"}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "{\"message\":\"first\"}\n{\"done\":true}\n", got)

	_, _, err = post(t, rep, "http://localhost:9/api/chat", `{"seed":3,"model":"m"}`, nil)
	var miss *FixtureMissError
	require.ErrorAs(t, err, &miss)
	assert.Contains(t, err.Error(), "fixture miss in TestX")
	assert.Contains(t, err.Error(), file)
	assert.Contains(t, err.Error(), "LIM_RECORD=1")
	assert.Contains(t, err.Error(), "-run '^TestX$'")
	assert.Len(t, canned.seen, 2, "replay never calls the network")
}

func TestFixtureRepeatedRequestsReplayInOrder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "TestR.txt")
	rec := NewFixture("TestR", file, FixtureRecord, &cannedTransport{bodies: []string{"one", "two"}})
	for range 2 {
		_, _, err := post(t, rec, "http://h/v1/chat/completions", `{"a":1}`, nil)
		require.NoError(t, err)
	}
	require.NoError(t, rec.Save())
	rep := NewFixture("TestR", file, FixtureReplay, nil)
	var got []string
	for range 3 {
		_, b, err := post(t, rep, "http://h/v1/chat/completions", `{"a":1}`, nil)
		require.NoError(t, err)
		got = append(got, b)
	}
	assert.Equal(t, []string{"one", "two", "two"}, got)
}

func TestFixtureMalformedFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"no header":   "hello\n",
		"short body":  fixtureHeader + "\nrequest POST /api/chat 100\n{}\n",
		"no response": fixtureHeader + "\nrequest POST /api/chat 2\n{}\nwhat\n",
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".txt")
			require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
			_, _, err := post(t, NewFixture("TestM", file, FixtureReplay, nil), "http://h/api/chat", `{}`, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "is malformed")
			assert.Contains(t, err.Error(), file)
		})
	}
}

func TestScrub(t *testing.T) {
	t.Setenv("MY_SERVICE_TOKEN", "tok-abcdefgh12345")
	in := "auth Bearer abcdefghijklmnopqrstuv and sk-proj-ABCDEFGHIJKLMNOPQRSTUV and tok-abcdefgh12345 and ghp_abcdefghijklmnopqrstuvwxyz0123456789"
	out := Scrub(in)
	for _, s := range []string{"abcdefghijklmnopqrstuv", "sk-proj-", "tok-abcdefgh12345", "ghp_"} {
		assert.NotContains(t, out, s)
	}
}

// TestFixturesHoldNoSecrets fails if any file under fixtures/ holds a key-shaped string.
func TestFixturesHoldNoSecrets(t *testing.T) {
	root, err := ModuleRoot()
	require.NoError(t, err)
	dir := filepath.Join(root, "fixtures")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		t.Skip("no fixtures/ directory")
	}
	n := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if key, found := KeyShaped(string(b)); found {
			t.Errorf("%s holds a key-shaped string %q…: scrub it and rotate the key", path, key[:min(8, len(key))])
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d fixture files scanned", n)
}
