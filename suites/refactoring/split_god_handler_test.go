package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const godHandlerOriginal = `package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

var (
	ErrUnknownAccount    = errors.New("unknown account")
	ErrInsufficientFunds = errors.New("insufficient funds")
)

// MemLedger is an in-memory ledger of account balances in cents.
type MemLedger struct {
	mu       sync.Mutex
	balances map[string]int64
}

// NewMemLedger returns a ledger holding a copy of balances.
func NewMemLedger(balances map[string]int64) *MemLedger {
	l := &MemLedger{balances: make(map[string]int64, len(balances))}
	for k, v := range balances {
		l.balances[k] = v
	}
	return l
}

// Transfer moves amount cents between two accounts and returns both new balances.
func (l *MemLedger) Transfer(from, to string, amount int64) (int64, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fb, ok := l.balances[from]
	if !ok {
		return 0, 0, fmt.Errorf("account %q: %w", from, ErrUnknownAccount)
	}
	tb, ok := l.balances[to]
	if !ok {
		return 0, 0, fmt.Errorf("account %q: %w", to, ErrUnknownAccount)
	}
	if fb < amount {
		return 0, 0, fmt.Errorf("account %q has %d, needs %d: %w", from, fb, amount, ErrInsufficientFunds)
	}
	l.balances[from] = fb - amount
	l.balances[to] = tb + amount
	return fb - amount, tb + amount, nil
}

// State of the handler.
var (
	db     = NewMemLedger(map[string]int64{"alice": 10000, "bob": 500})
	mu     sync.Mutex
	seen   = map[string]stored{} // Idempotency-Key → response
	nextID = 1
)

type stored struct {
	status int
	body   []byte
}

// HandleTransfer serves POST /transfers with a JSON body {"from": ..., "to": ..., "amount": cents}.
func HandleTransfer(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		body, _ := json.Marshal(map[string]any{"error": "method not allowed"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMethodNotAllowed)
		w.Write(body)
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" {
		body, _ := json.Marshal(map[string]any{"error": "missing Idempotency-Key header"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
		return
	}
	mu.Lock()
	if s, ok := seen[key]; ok {
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replay", "true")
		w.WriteHeader(s.status)
		w.Write(s.body)
		return
	}
	mu.Unlock()

	var req struct {
		From   string
		To     string
		Amount int64
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		body, _ := json.Marshal(map[string]any{"error": "invalid JSON body"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
		return
	}
	req.From = strings.TrimSpace(req.From)
	req.To = strings.TrimSpace(req.To)
	msg := ""
	switch {
	case req.From == "" || req.To == "":
		msg = "from and to are required"
	case req.From == req.To:
		msg = "from and to must differ"
	case req.Amount <= 0:
		msg = "amount must be positive"
	case req.Amount > 10000000:
		msg = "amount exceeds the 100000.00 limit"
	}
	if msg != "" {
		body, _ := json.Marshal(map[string]any{"error": msg})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write(body)
		return
	}

	fromBal, toBal, err := db.Transfer(req.From, req.To, req.Amount)
	var status int
	var resp map[string]any
	switch {
	case err == nil:
		mu.Lock()
		id := fmt.Sprintf("tx-%d", nextID)
		nextID++
		mu.Unlock()
		status = http.StatusOK
		resp = map[string]any{"id": id, "from_balance": fromBal, "to_balance": toBal}
	case errors.Is(err, ErrUnknownAccount):
		status, resp = http.StatusNotFound, map[string]any{"error": err.Error()}
	case errors.Is(err, ErrInsufficientFunds):
		status, resp = http.StatusConflict, map[string]any{"error": "insufficient funds"}
	default:
		status, resp = http.StatusInternalServerError, map[string]any{"error": "internal error"}
	}
	body, _ := json.Marshal(resp)
	if status != http.StatusInternalServerError {
		mu.Lock()
		seen[key] = stored{status, body}
		mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}`

const godHandlerReference = `package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

var (
	ErrUnknownAccount    = errors.New("unknown account")
	ErrInsufficientFunds = errors.New("insufficient funds")
)

// Ledger moves money between accounts; *MemLedger implements it.
type Ledger interface {
	Transfer(from, to string, amount int64) (fromBalance, toBalance int64, err error)
}

// MemLedger is an in-memory ledger of account balances in cents.
type MemLedger struct {
	mu       sync.Mutex
	balances map[string]int64
}

// NewMemLedger returns a ledger holding a copy of balances.
func NewMemLedger(balances map[string]int64) *MemLedger {
	l := &MemLedger{balances: make(map[string]int64, len(balances))}
	for k, v := range balances {
		l.balances[k] = v
	}
	return l
}

// Transfer moves amount cents between two accounts and returns both new balances.
func (l *MemLedger) Transfer(from, to string, amount int64) (int64, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fb, ok := l.balances[from]
	if !ok {
		return 0, 0, fmt.Errorf("account %q: %w", from, ErrUnknownAccount)
	}
	tb, ok := l.balances[to]
	if !ok {
		return 0, 0, fmt.Errorf("account %q: %w", to, ErrUnknownAccount)
	}
	if fb < amount {
		return 0, 0, fmt.Errorf("account %q has %d, needs %d: %w", from, fb, amount, ErrInsufficientFunds)
	}
	l.balances[from] = fb - amount
	l.balances[to] = tb + amount
	return fb - amount, tb + amount, nil
}

// TransferRequest is the body of POST /transfers: {"from": ..., "to": ..., "amount": cents}.
type TransferRequest struct {
	From   string
	To     string
	Amount int64
}

type stored struct {
	status int
	body   []byte
}

// Handler serves POST /transfers against a Ledger, with its own idempotency records and
// transaction numbering.
type Handler struct {
	ledger Ledger

	mu     sync.Mutex
	seen   map[string]stored // Idempotency-Key → response
	nextID int
}

// NewHandler returns a Handler that moves money through l.
func NewHandler(l Ledger) *Handler {
	return &Handler{ledger: l, seen: make(map[string]stored), nextID: 1}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "missing Idempotency-Key header"})
		return
	}
	if s, ok := h.replay(key); ok {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replay", "true")
		w.WriteHeader(s.status)
		w.Write(s.body)
		return
	}
	req, err := decodeTransfer(w, r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid JSON body"})
		return
	}
	if msg := validateTransfer(req); msg != "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": msg})
		return
	}
	status, resp := h.apply(req)
	body, _ := json.Marshal(resp)
	if status != http.StatusInternalServerError {
		h.remember(key, stored{status, body})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// apply performs a validated transfer and returns the response status and body.
func (h *Handler) apply(req TransferRequest) (int, map[string]any) {
	fromBal, toBal, err := h.ledger.Transfer(req.From, req.To, req.Amount)
	if err != nil {
		status, msg := statusFor(err)
		return status, map[string]any{"error": msg}
	}
	h.mu.Lock()
	id := fmt.Sprintf("tx-%d", h.nextID)
	h.nextID++
	h.mu.Unlock()
	return http.StatusOK, map[string]any{"id": id, "from_balance": fromBal, "to_balance": toBal}
}

func (h *Handler) replay(key string) (stored, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.seen[key]
	return s, ok
}

func (h *Handler) remember(key string, s stored) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen[key] = s
}

// decodeTransfer reads a TransferRequest from a body of at most 1 MiB, rejecting unknown
// fields, and trims From and To.
func decodeTransfer(w http.ResponseWriter, r *http.Request) (TransferRequest, error) {
	var req TransferRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return TransferRequest{}, err
	}
	req.From = strings.TrimSpace(req.From)
	req.To = strings.TrimSpace(req.To)
	return req, nil
}

// validateTransfer returns the 422 message for an invalid request, "" for a valid one.
func validateTransfer(req TransferRequest) string {
	switch {
	case req.From == "" || req.To == "":
		return "from and to are required"
	case req.From == req.To:
		return "from and to must differ"
	case req.Amount <= 0:
		return "amount must be positive"
	case req.Amount > 10000000:
		return "amount exceeds the 100000.00 limit"
	}
	return ""
}

// statusFor maps a ledger error to the response status and error message.
func statusFor(err error) (int, string) {
	switch {
	case errors.Is(err, ErrUnknownAccount):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, ErrInsufficientFunds):
		return http.StatusConflict, "insufficient funds"
	default:
		return http.StatusInternalServerError, "internal error"
	}
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}`

var splitGodHandler = harness.Register(&harness.Task{
	ID:         "split-god-handler",
	Category:   harness.Refactoring,
	Title:      "Split a god HTTP handler into a Handler type with injectable ledger and named helpers",
	Difficulty: 5,
	MaxTokens:  4096,
	Tags:       []string{"go", "refactoring", "net/http", "dependency-injection", "global-state", "idempotency"},
	Prompt: `HandleTransfer below does everything in one function on top of package-level state, so it
can't be tested against a fake ledger, and two handlers in one process would share
idempotency records. Restructure it:

` + harness.Fenced("go", godHandlerOriginal) + `

Required structure after the change (package transfer):

    // Ledger moves money between accounts; *MemLedger must implement it.
    type Ledger interface {
        Transfer(from, to string, amount int64) (fromBalance, toBalance int64, err error)
    }

    // TransferRequest is the decoded request body.
    type TransferRequest struct {
        From   string
        To     string
        Amount int64
    }

    type Handler struct{ /* unexported: the ledger, idempotency records, next tx number */ }
    func NewHandler(l Ledger) *Handler
    func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request)

    // Unexported helpers, with exactly these signatures:
    func decodeTransfer(w http.ResponseWriter, r *http.Request) (TransferRequest, error) // 1 MiB limit, unknown fields rejected, From/To trimmed
    func validateTransfer(req TransferRequest) string // the 422 message, "" when valid
    func statusFor(err error) (int, string)           // a non-nil ledger error → status and error message
    func writeJSON(w http.ResponseWriter, status int, v any)

- Remove HandleTransfer and the package-level db, mu, seen and nextID. Keep the errors,
  MemLedger and NewMemLedger as they are.
- Every Handler has its own idempotency records and numbers its transactions tx-1, tx-2, ...
- Behaviour must be identical otherwise: the same status codes, JSON bodies and headers
  for every case, the same check order, the idempotent replay (with the
  Idempotent-Replay: true header), and 500 responses are still not remembered.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"splits a long function into named, testable helpers", "moves global state into an injectable type", "preserves exact HTTP behaviour incl. idempotency", "error mapping with errors.Is"},
	Reference:    harness.Fenced("go", godHandlerReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "transfer",
			Tests: map[string]string{"transfer_test.go": `package transfer

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var _ Ledger = (*MemLedger)(nil)

func post(h http.Handler, key, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/transfers", strings.NewReader(body))
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, body string) {
	t.Helper()
	if rec.Code != status || strings.TrimSpace(rec.Body.String()) != body {
		t.Errorf("got %d %s, want %d %s", rec.Code, strings.TrimSpace(rec.Body.String()), status, body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func newMem() *Handler { return NewHandler(NewMemLedger(map[string]int64{"alice": 10000, "bob": 500})) }

func TestSuccessAndNumbering(t *testing.T) {
	h := newMem()
	expect(t, post(h, "k1", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1000}"), 200, "{\"from_balance\":9000,\"id\":\"tx-1\",\"to_balance\":1500}")
	expect(t, post(h, "k2", "{\"from\":\" bob \",\"to\":\"alice\",\"amount\":1500}"), 200, "{\"from_balance\":0,\"id\":\"tx-2\",\"to_balance\":10500}")
	other := newMem()
	expect(t, post(other, "k1", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1}"), 200, "{\"from_balance\":9999,\"id\":\"tx-1\",\"to_balance\":501}")
}

func TestIdempotentReplay(t *testing.T) {
	h := newMem()
	first := post(h, "abc", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1000}")
	again := post(h, "abc", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1000}")
	expect(t, again, 200, strings.TrimSpace(first.Body.String()))
	if again.Header().Get("Idempotent-Replay") != "true" || first.Header().Get("Idempotent-Replay") != "" {
		t.Error("Idempotent-Replay header wrong")
	}
	expect(t, post(h, "new", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1000}"), 200, "{\"from_balance\":8000,\"id\":\"tx-2\",\"to_balance\":2500}")
	// A replay wins even over a different or broken body.
	expect(t, post(h, "abc", "not json"), 200, strings.TrimSpace(first.Body.String()))
}

func TestClientErrors(t *testing.T) {
	h := newMem()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/transfers", nil))
	expect(t, rec, 405, "{\"error\":\"method not allowed\"}")
	expect(t, post(h, "", "{}"), 400, "{\"error\":\"missing Idempotency-Key header\"}")
	expect(t, post(h, "  ", "{}"), 400, "{\"error\":\"missing Idempotency-Key header\"}")
	expect(t, post(h, "j1", "{\"from\":\"alice\""), 400, "{\"error\":\"invalid JSON body\"}")
	expect(t, post(h, "j2", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1,\"note\":\"x\"}"), 400, "{\"error\":\"invalid JSON body\"}")
	expect(t, post(h, "j3", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":\""+strings.Repeat("9", 2<<20)+"\"}"), 400, "{\"error\":\"invalid JSON body\"}")
	expect(t, post(h, "v1", "{\"from\":\"alice\",\"amount\":1}"), 422, "{\"error\":\"from and to are required\"}")
	expect(t, post(h, "v2", "{\"from\":\"bob\",\"to\":\" bob\",\"amount\":1}"), 422, "{\"error\":\"from and to must differ\"}")
	expect(t, post(h, "v3", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":0}"), 422, "{\"error\":\"amount must be positive\"}")
	expect(t, post(h, "v4", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":10000001}"), 422, "{\"error\":\"amount exceeds the 100000.00 limit\"}")
	// Validation failures are not remembered: the same key can be used for a good request.
	expect(t, post(h, "v3", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":5}"), 200, "{\"from_balance\":9995,\"id\":\"tx-1\",\"to_balance\":505}")
}

func TestLedgerErrors(t *testing.T) {
	h := newMem()
	expect(t, post(h, "u1", "{\"from\":\"alice\",\"to\":\"carol\",\"amount\":1}"), 404, "{\"error\":\"account \\\"carol\\\": unknown account\"}")
	expect(t, post(h, "f1", "{\"from\":\"bob\",\"to\":\"alice\",\"amount\":501}"), 409, "{\"error\":\"insufficient funds\"}")
	// Ledger failures other than 500 are remembered.
	expect(t, post(h, "f1", "{\"from\":\"bob\",\"to\":\"alice\",\"amount\":1}"), 409, "{\"error\":\"insufficient funds\"}")
}

type flakyLedger struct{ calls int }

func (f *flakyLedger) Transfer(from, to string, amount int64) (int64, int64, error) {
	f.calls++
	if f.calls == 1 {
		return 0, 0, errors.New("connection reset")
	}
	return 1, 2, nil
}

func TestInternalErrorsAreNotRemembered(t *testing.T) {
	fl := &flakyLedger{}
	h := NewHandler(fl)
	expect(t, post(h, "r1", "{\"from\":\"a\",\"to\":\"b\",\"amount\":3}"), 500, "{\"error\":\"internal error\"}")
	expect(t, post(h, "r1", "{\"from\":\"a\",\"to\":\"b\",\"amount\":3}"), 200, "{\"from_balance\":1,\"id\":\"tx-1\",\"to_balance\":2}")
	if fl.calls != 2 {
		t.Errorf("ledger called %d times, want 2", fl.calls)
	}
}

func TestValidateTransfer(t *testing.T) {
	for req, want := range map[TransferRequest]string{
		{From: "a", To: "b", Amount: 1}:        "",
		{From: "a", To: "b", Amount: 10000000}: "",
		{To: "b", Amount: 1}:                   "from and to are required",
		{From: "a", To: "a", Amount: -5}:       "from and to must differ",
		{From: "a", To: "b", Amount: -1}:       "amount must be positive",
		{From: "a", To: "b", Amount: 10000001}: "amount exceeds the 100000.00 limit",
	} {
		if got := validateTransfer(req); got != want {
			t.Errorf("validateTransfer(%+v) = %q, want %q", req, got, want)
		}
	}
}

func TestStatusFor(t *testing.T) {
	wrapped := fmt.Errorf("account %q: %w", "zed", ErrUnknownAccount)
	for _, c := range []struct {
		err    error
		status int
		msg    string
	}{
		{wrapped, 404, "account \"zed\": unknown account"},
		{ErrUnknownAccount, 404, "unknown account"},
		{fmt.Errorf("x: %w", ErrInsufficientFunds), 409, "insufficient funds"},
		{errors.New("boom"), 500, "internal error"},
	} {
		if status, msg := statusFor(c.err); status != c.status || msg != c.msg {
			t.Errorf("statusFor(%v) = %d, %q; want %d, %q", c.err, status, msg, c.status, c.msg)
		}
	}
}

func TestDecodeTransfer(t *testing.T) {
	rec := httptest.NewRecorder()
	req, err := decodeTransfer(rec, httptest.NewRequest("POST", "/", strings.NewReader("{\"From\":\" a \",\"to\":\"b \",\"AMOUNT\":7}")))
	if err != nil || req != (TransferRequest{From: "a", To: "b", Amount: 7}) {
		t.Errorf("decodeTransfer = %+v, %v", req, err)
	}
	if _, err := decodeTransfer(rec, httptest.NewRequest("POST", "/", strings.NewReader("{\"from\":\"a\",\"extra\":1}"))); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	writeJSON(rec, 418, map[string]any{"b": 2, "a": "x"})
	expect(t, rec, 418, "{\"a\":\"x\",\"b\":2}")
}
`},
		},
		harness.GoDeclares{
			Want: []string{"Ledger", "Ledger.Transfer", "TransferRequest", "Handler", "NewHandler", "Handler.ServeHTTP",
				"decodeTransfer", "validateTransfer", "statusFor", "writeJSON", "MemLedger", "MemLedger.Transfer", "NewMemLedger"},
			Forbid: []string{"HandleTransfer", "db", "mu", "seen", "nextID"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", godHandlerOriginal),
		// statusFor compares errors with ==, so the ledger's wrapped errors become 500s.
		harness.Fenced("go", strings.Replace(godHandlerReference, `	switch {
	case errors.Is(err, ErrUnknownAccount):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, ErrInsufficientFunds):`, `	switch err {
	case ErrUnknownAccount:
		return http.StatusNotFound, err.Error()
	case ErrInsufficientFunds:`, 1)),
		// Remembers every response, including validation failures and 500s.
		harness.Fenced("go", strings.NewReplacer(
			"	if msg := validateTransfer(req); msg != \"\" {\n		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{\"error\": msg})\n		return\n	}",
			"	if msg := validateTransfer(req); msg != \"\" {\n		body, _ := json.Marshal(map[string]any{\"error\": msg})\n		h.remember(key, stored{http.StatusUnprocessableEntity, body})\n		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{\"error\": msg})\n		return\n	}",
			"	if status != http.StatusInternalServerError {\n		h.remember(key, stored{status, body})\n	}",
			"	h.remember(key, stored{status, body})",
		).Replace(godHandlerReference)),
	},
})

func TestSplitGodHandler(t *testing.T) { harness.Run(t, splitGodHandler) }
