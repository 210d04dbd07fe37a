package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const missingReturnBuggy = `package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// User is the body of POST /users.
type User struct {
	Email string
	Name  string
}

// Store persists users.
type Store interface {
	CreateUser(ctx context.Context, u User) (int64, error)
}

// Handler serves the users API.
type Handler struct {
	Store Store
}

// CreateUser handles POST /users: 201 with {"id": N} on success, 405 for other methods,
// 400 for a malformed body or an invalid e-mail, 500 when the store fails.
func (h *Handler) CreateUser(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
	var u User
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
		http.Error(w, "invalid JSON body", http.StatusBadRequest)
	}
	u.Email = strings.TrimSpace(u.Email)
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		http.Error(w, "invalid email", http.StatusBadRequest)
		return
	}
	id, err := h.Store.CreateUser(r.Context(), u)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]int64{"id": id})
}`

var httpHandlerMissingReturn = harness.Register(&harness.Task{
	ID:         "http-handler-missing-return",
	Category:   harness.Debugging,
	Title:      "Fix an HTTP handler that keeps going after writing an error",
	Difficulty: 2,
	MaxTokens:  1536,
	Tags:       []string{"go", "net/http", "error-handling"},
	Prompt: `Production logs of our users service, around a failed database write and a client that
sent a PUT by mistake:

    2024-06-03T09:14:07Z ERROR store: insert user: pq: duplicate key value violates unique constraint "users_email_key"
    2024/06/03 09:14:07 http: superfluous response.WriteHeader call from example.com/users/api.(*Handler).CreateUser (handler.go:49)
    2024-06-03T09:14:07Z INFO  POST /users status=500 bytes=25 body="internal error\n{\"id\":0}\n"
    2024-06-03T09:15:31Z INFO  store: inserted user id=8812 email="ops@example.com"
    2024/06/03 09:15:31 http: superfluous response.WriteHeader call from example.com/users/api.(*Handler).CreateUser (handler.go:49)
    2024-06-03T09:15:31Z INFO  PUT /users status=405 bytes=32

So a 500 response carries a bogus JSON body, and a PUT (answered 405) still created a user.
Here is handler.go:

` + harness.Fenced("go", missingReturnBuggy) + `

Fix the handler so that each error response is the only thing written and nothing else
happens after it (in particular the store is not called). Keep the status codes, the error
texts and the success response unchanged.
Reply with the complete fixed handler.go in one fenced code block.`,
	Capabilities: []string{"reads server logs", "control flow after http.Error", "finds every branch with the same bug"},
	Reference: harness.Fenced("go", strings.NewReplacer(
		"http.StatusMethodNotAllowed)\n", "http.StatusMethodNotAllowed)\n		return\n",
		"\"invalid JSON body\", http.StatusBadRequest)\n", "\"invalid JSON body\", http.StatusBadRequest)\n		return\n",
		"http.StatusInternalServerError)\n", "http.StatusInternalServerError)\n		return\n",
	).Replace(missingReturnBuggy)),
	Checks: []harness.Check{harness.GoTests{
		Package: "api",
		Tests: map[string]string{"handler_test.go": `package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type fakeStore struct {
	calls int
	got   User
	err   error
}

func (s *fakeStore) CreateUser(_ context.Context, u User) (int64, error) {
	s.calls++
	s.got = u
	if s.err != nil {
		return 0, s.err
	}
	return 42, nil
}

func do(h *Handler, method, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.CreateUser(rec, httptest.NewRequest(method, "/users", strings.NewReader(body)))
	return rec
}

func TestCreated(t *testing.T) {
	st := &fakeStore{}
	rec := do(&Handler{Store: st}, http.MethodPost, "{\"email\": \" ann@example.com \", \"name\": \"Ann\"}")
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d, want 201", rec.Code)
	}
	if got := rec.Body.String(); got != "{\"id\":42}\n" {
		t.Errorf("body %q", got)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if st.calls != 1 || st.got.Email != "ann@example.com" || st.got.Name != "Ann" {
		t.Errorf("store got %d calls, user %+v", st.calls, st.got)
	}
}

func TestWrongMethodDoesNotCreate(t *testing.T) {
	st := &fakeStore{}
	rec := do(&Handler{Store: st}, http.MethodPut, "{\"email\": \"ops@example.com\"}")
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", rec.Code)
	}
	if got := rec.Body.String(); got != "method not allowed\n" {
		t.Errorf("body %q, want only the error text", got)
	}
	if rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("Allow header %q", rec.Header().Get("Allow"))
	}
	if st.calls != 0 {
		t.Errorf("store called %d times for a PUT", st.calls)
	}
}

func TestMalformedJSON(t *testing.T) {
	st := &fakeStore{}
	rec := do(&Handler{Store: st}, http.MethodPost, "{\"email\": ")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", rec.Code)
	}
	if got := rec.Body.String(); got != "invalid JSON body\n" {
		t.Errorf("body %q, want only the error text", got)
	}
	if st.calls != 0 {
		t.Errorf("store called %d times", st.calls)
	}
}

func TestInvalidEmail(t *testing.T) {
	st := &fakeStore{}
	rec := do(&Handler{Store: st}, http.MethodPost, "{\"email\": \"nobody\"}")
	if rec.Code != http.StatusBadRequest || rec.Body.String() != "invalid email\n" || st.calls != 0 {
		t.Errorf("status %d, body %q, store calls %d", rec.Code, rec.Body.String(), st.calls)
	}
}

func TestStoreFailure(t *testing.T) {
	st := &fakeStore{err: errors.New("duplicate key")}
	rec := do(&Handler{Store: st}, http.MethodPost, "{\"email\": \"a@b.c\"}")
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if got := rec.Body.String(); got != "internal error\n" {
		t.Errorf("body %q, want only the error text", got)
	}
	if ct := rec.Header().Get("Content-Type"); strings.Contains(ct, "json") {
		t.Errorf("Content-Type %q on an error response", ct)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", missingReturnBuggy),
		// Fixes only the store-error branch that the first log line points at.
		harness.Fenced("go", strings.Replace(missingReturnBuggy,
			"http.StatusInternalServerError)\n", "http.StatusInternalServerError)\n		return\n", 1)),
	},
})

func TestHTTPHandlerMissingReturn(t *testing.T) { harness.Run(t, httpHandlerMissingReturn) }
