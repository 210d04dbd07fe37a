package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// errIncomplete marks a stream that ended without the server's final message.
var errIncomplete = errors.New("incomplete stream")

// retry calls fn until it succeeds, fails in a way a retry cannot fix, runs out of
// attempts or the context ends. 429, 5xx and connection errors are retried with
// exponential backoff; a Retry-After the server sends is honoured up to p.MaxRetryAft.
// It returns the number of attempts made.
func retry(ctx context.Context, p RetryPolicy, fn func(ctx context.Context) error) (int, error) {
	if p.Attempts < 1 {
		p.Attempts = 1
	}
	backoff := p.Base
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return attempt, nil
		}
		wait, ok := retryable(err)
		if !ok || attempt >= p.Attempts || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return attempt, err
		}
		if wait > 0 {
			if p.MaxRetryAft > 0 && wait > p.MaxRetryAft {
				return attempt, fmt.Errorf("server asked to retry after %v, longer than the %v lim waits: %w", wait, p.MaxRetryAft, err)
			}
		} else {
			wait = backoff
			backoff = min(backoff*2, p.Max)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, fmt.Errorf("after %d attempts: %w (while waiting to retry: %w)", attempt, err, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// retryable reports whether err is worth another attempt, and how long the server
// asked to wait (0: use the backoff).
func retryable(err error) (time.Duration, bool) {
	var se *HTTPStatusError
	if errors.As(err, &se) {
		return se.RetryAfter, se.Status == http.StatusTooManyRequests || se.Status >= 500
	}
	var miss *FixtureMissError
	if errors.As(err, &miss) {
		return 0, false
	}
	if errors.Is(err, errIncomplete) {
		return 0, true
	}
	if errors.Is(err, ErrStalled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return 0, false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) {
		return 0, true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return 0, true
	}
	msg := err.Error()
	for _, s := range []string{"connection reset", "connection refused", "unexpected EOF", "broken pipe", "server closed", "EOF"} {
		if strings.Contains(msg, s) {
			return 0, true
		}
	}
	return 0, false
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// peekBody reads an error response's body (up to 64 KiB) and puts it back, so the
// client library still sees it.
func peekBody(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}
