package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const optionsOriginal = `package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls the Acme REST API.
type Client struct {
	baseURL   *url.URL
	timeout   time.Duration
	retries   int
	userAgent string
	hc        *http.Client
}

// NewClient returns a client for baseURL, which must be an absolute http or https URL.
// A zero timeout means 10s; a negative timeout or negative retries is an error; an empty
// userAgent means "acme-client/1.0". Almost every caller writes NewClient(u, 0, 2, "").
func NewClient(baseURL string, timeout time.Duration, retries int, userAgent string) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("apiclient: invalid base URL %q", baseURL)
	}
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	if timeout < 0 {
		return nil, errors.New("apiclient: timeout must be positive")
	}
	if retries < 0 {
		return nil, errors.New("apiclient: retries must not be negative")
	}
	if userAgent == "" {
		userAgent = "acme-client/1.0"
	}
	return &Client{
		baseURL:   u,
		timeout:   timeout,
		retries:   retries,
		userAgent: userAgent,
		hc:        &http.Client{Timeout: timeout},
	}, nil
}

func (c *Client) BaseURL() string           { return c.baseURL.String() }
func (c *Client) Timeout() time.Duration    { return c.timeout }
func (c *Client) Retries() int              { return c.retries }
func (c *Client) UserAgent() string         { return c.userAgent }
func (c *Client) HTTPClient() *http.Client { return c.hc }

// NewRequest builds a request for path (relative to the base URL) with the User-Agent set.
func (c *Client) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	u := c.baseURL.JoinPath(strings.TrimPrefix(path, "/"))
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}`

const optionsReference = `package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls the Acme REST API.
type Client struct {
	baseURL   *url.URL
	timeout   time.Duration
	retries   int
	userAgent string
	hc        *http.Client
}

// Option configures a Client in NewClient.
type Option func(*Client) error

// WithTimeout sets the request timeout (default 10s); it must be positive.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errors.New("apiclient: timeout must be positive")
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many times a failed request is retried (default 2).
func WithRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return errors.New("apiclient: retries must not be negative")
		}
		c.retries = n
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "acme-client/1.0").
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" {
			return errors.New("apiclient: empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithHTTPClient makes the client send requests with hc, used as is.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("apiclient: nil http client")
		}
		c.hc = hc
		return nil
	}
}

// NewClient returns a client for baseURL, which must be an absolute http or https URL,
// configured by opts; later options override earlier ones.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("apiclient: invalid base URL %q", baseURL)
	}
	c := &Client{baseURL: u, timeout: 10 * time.Second, retries: 2, userAgent: "acme-client/1.0"}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: c.timeout}
	}
	return c, nil
}

func (c *Client) BaseURL() string           { return c.baseURL.String() }
func (c *Client) Timeout() time.Duration    { return c.timeout }
func (c *Client) Retries() int              { return c.retries }
func (c *Client) UserAgent() string         { return c.userAgent }
func (c *Client) HTTPClient() *http.Client { return c.hc }

// NewRequest builds a request for path (relative to the base URL) with the User-Agent set.
func (c *Client) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	u := c.baseURL.JoinPath(strings.TrimPrefix(path, "/"))
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}`

var functionalOptionsClient = harness.Register(&harness.Task{
	ID:         "functional-options-client",
	Category:   harness.Refactoring,
	Title:      "Introduce functional options for an API client constructor",
	Difficulty: 3,
	MaxTokens:  2560,
	Tags:       []string{"go", "refactoring", "functional-options", "api-design", "net/http"},
	Prompt: `NewClient's positional parameters are unreadable at call sites (NewClient(u, 0, 2, "")) and
we now need to pass a custom *http.Client too. Refactor to functional options:

` + harness.Fenced("go", optionsOriginal) + `

Required API after the change (package apiclient):

    type Option  // a type of your choice
    func NewClient(baseURL string, opts ...Option) (*Client, error)
    func WithTimeout(d time.Duration) Option   // d <= 0: NewClient fails with "apiclient: timeout must be positive"
    func WithRetries(n int) Option             // n < 0: NewClient fails with "apiclient: retries must not be negative"
    func WithUserAgent(ua string) Option       // ua == "": NewClient fails with "apiclient: empty user agent"
    func WithHTTPClient(hc *http.Client) Option // use hc as is; nil: NewClient fails with "apiclient: nil http client"

- Defaults with no options: timeout 10s, retries 2, user agent "acme-client/1.0", and an
  *http.Client whose Timeout is the final timeout (so NewClient(u, WithTimeout(3*time.Second))
  gets an http.Client with a 3s Timeout, whatever the order of options).
- With WithHTTPClient, HTTPClient() returns that very client, its Timeout left untouched;
  Timeout() still reports the configured timeout.
- Later options override earlier ones. An invalid base URL fails exactly as before.
- Keep the accessors and NewRequest unchanged.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"functional options pattern", "defaults applied before options, derived values after", "option validation errors"},
	Reference:    harness.Fenced("go", optionsReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "apiclient",
			Tests: map[string]string{"apiclient_test.go": `package apiclient

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := NewClient("https://api.acme.test/v2/")
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout() != 10*time.Second || c.Retries() != 2 || c.UserAgent() != "acme-client/1.0" {
		t.Errorf("defaults: timeout %v, retries %d, UA %q", c.Timeout(), c.Retries(), c.UserAgent())
	}
	if c.HTTPClient() == nil || c.HTTPClient().Timeout != 10*time.Second {
		t.Errorf("default http client: %+v", c.HTTPClient())
	}
	if c.BaseURL() != "https://api.acme.test/v2/" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
}

func TestOptions(t *testing.T) {
	c, err := NewClient("http://localhost:8080", WithTimeout(3*time.Second), WithRetries(0), WithUserAgent("sync-job/2.1"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout() != 3*time.Second || c.Retries() != 0 || c.UserAgent() != "sync-job/2.1" {
		t.Errorf("timeout %v, retries %d, UA %q", c.Timeout(), c.Retries(), c.UserAgent())
	}
	if c.HTTPClient().Timeout != 3*time.Second {
		t.Errorf("http client timeout %v, want 3s", c.HTTPClient().Timeout)
	}
}

func TestTwoClientsDoNotShareHTTPClient(t *testing.T) {
	a, _ := NewClient("http://a.test", WithTimeout(time.Second))
	b, _ := NewClient("http://b.test")
	if a.HTTPClient() == b.HTTPClient() || a.HTTPClient().Timeout != time.Second || b.HTTPClient().Timeout != 10*time.Second {
		t.Error("clients share or mix up their http.Client")
	}
}

func TestLaterOptionsWin(t *testing.T) {
	c, err := NewClient("https://x.test", WithRetries(5), WithTimeout(time.Second), WithRetries(1), WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if c.Retries() != 1 || c.Timeout() != 2*time.Second || c.HTTPClient().Timeout != 2*time.Second {
		t.Errorf("retries %d, timeout %v, http timeout %v", c.Retries(), c.Timeout(), c.HTTPClient().Timeout)
	}
}

func TestWithHTTPClient(t *testing.T) {
	hc := &http.Client{Timeout: 42 * time.Second}
	for _, opts := range [][]Option{
		{WithHTTPClient(hc), WithTimeout(5 * time.Second)},
		{WithTimeout(5 * time.Second), WithHTTPClient(hc)},
	} {
		c, err := NewClient("https://x.test", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTPClient() != hc || hc.Timeout != 42*time.Second || c.Timeout() != 5*time.Second {
			t.Errorf("HTTPClient %p (want %p), its timeout %v, Timeout() %v", c.HTTPClient(), hc, hc.Timeout, c.Timeout())
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for want, opt := range map[string]Option{
		"apiclient: timeout must be positive":     WithTimeout(0),
		"apiclient: retries must not be negative": WithRetries(-1),
		"apiclient: empty user agent":             WithUserAgent(""),
		"apiclient: nil http client":              WithHTTPClient(nil),
	} {
		c, err := NewClient("https://x.test", opt)
		if err == nil || err.Error() != want || c != nil {
			t.Errorf("got %v, %v; want error %q", c, err, want)
		}
	}
	if _, err := NewClient("https://x.test", WithTimeout(-time.Second)); err == nil {
		t.Error("negative timeout accepted")
	}
}

func TestInvalidBaseURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x.test", "/relative", "http://", "::"} {
		if _, err := NewClient(u); err == nil || err.Error() != "apiclient: invalid base URL \""+u+"\"" {
			t.Errorf("NewClient(%q) error = %v", u, err)
		}
	}
}

func TestNewRequest(t *testing.T) {
	c, _ := NewClient("https://api.acme.test/v2/", WithUserAgent("ua/1"))
	req, err := c.NewRequest(context.Background(), "GET", "/orders/7", nil)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.String() != "https://api.acme.test/v2/orders/7" || req.Header.Get("User-Agent") != "ua/1" {
		t.Errorf("request %s UA %q", req.URL, req.Header.Get("User-Agent"))
	}
}
`},
		},
		harness.GoDeclares{
			Want: []string{"Option", "NewClient", "WithTimeout", "WithRetries", "WithUserAgent", "WithHTTPClient",
				"Client.Timeout", "Client.Retries", "Client.UserAgent", "Client.HTTPClient", "Client.BaseURL", "Client.NewRequest"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", optionsOriginal),
		// Builds the default http.Client before applying the options: WithTimeout no
		// longer reaches it.
		harness.Fenced("go", strings.NewReplacer(
			"	c := &Client{baseURL: u, timeout: 10 * time.Second, retries: 2, userAgent: \"acme-client/1.0\"}",
			"	c := &Client{baseURL: u, timeout: 10 * time.Second, retries: 2, userAgent: \"acme-client/1.0\", hc: &http.Client{Timeout: 10 * time.Second}}",
			"	if c.hc == nil {\n		c.hc = &http.Client{Timeout: c.timeout}\n	}\n", "",
		).Replace(optionsReference)),
	},
})

func TestFunctionalOptionsClient(t *testing.T) { harness.Run(t, functionalOptionsClient) }
