package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// todoTicks turns ´ into backticks, for struct tags in sources kept in raw strings.
func todoTicks(s string) string { return strings.ReplaceAll(s, "´", "`") }

var todoStoreGiven = todoTicks(`package todo

import (
	"errors"
	"slices"
	"sync"
)

// Item is one to-do item.
type Item struct {
	ID    int    ´json:"id"´
	Title string ´json:"title"´
	Done  bool   ´json:"done"´
}

var ErrNotFound = errors.New("todo: item not found")

// Store keeps items in memory; it is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	items map[int]Item
	next  int
}

func NewStore() *Store { return &Store{items: map[int]Item{}, next: 1} }

// List returns all items ordered by ID.
func (s *Store) List() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Item
	for _, it := range s.items {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b Item) int { return a.ID - b.ID })
	return out
}

func (s *Store) Get(id int) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return Item{}, ErrNotFound
	}
	return it, nil
}

// Add stores a new item with the next ID and returns it.
func (s *Store) Add(title string) Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := Item{ID: s.next, Title: title}
	s.items[it.ID] = it
	s.next++
	return it
}

func (s *Store) SetDone(id int, done bool) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return Item{}, ErrNotFound
	}
	it.Done = done
	s.items[id] = it
	return it, nil
}

func (s *Store) Delete(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return ErrNotFound
	}
	delete(s.items, id)
	return nil
}`)

const todoRoutes = `// file: api/routes.go
// Package api serves the to-do store over HTTP.
package api

import (
	"net/http"

	"example.com/todo/todo"
)

// NewRouter returns the HTTP API over s.
func NewRouter(s *todo.Store) http.Handler {
	h := &handlers{store: s}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /todos", h.list)
	mux.HandleFunc("POST /todos", h.create)
	mux.HandleFunc("GET /todos/{id}", h.get)
	mux.HandleFunc("PATCH /todos/{id}", h.patch)
	mux.HandleFunc("DELETE /todos/{id}", h.delete)
	return mux
}`

var todoHandlers = todoTicks(`// file: api/handlers.go
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"example.com/todo/todo"
)

type handlers struct{ store *todo.Store }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// itemID parses the {id} path value; it writes a 400 and returns false when it is not
// a positive integer.
func itemID(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return 0, false
	}
	return id, true
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	items := h.store.List()
	if items == nil {
		items = []todo.Item{}
	}
	writeJSON(w, http.StatusOK, items)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Title string ´json:"title"´
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	title := strings.TrimSpace(body.Title)
	if title == "" {
		writeError(w, http.StatusBadRequest, "title is required")
		return
	}
	it := h.store.Add(title)
	w.Header().Set("Location", fmt.Sprintf("/todos/%d", it.ID))
	writeJSON(w, http.StatusCreated, it)
}

func (h *handlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := itemID(w, r)
	if !ok {
		return
	}
	it, err := h.store.Get(id)
	if errors.Is(err, todo.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such item")
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (h *handlers) patch(w http.ResponseWriter, r *http.Request) {
	id, ok := itemID(w, r)
	if !ok {
		return
	}
	var body struct {
		Done *bool ´json:"done"´
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	if body.Done == nil {
		writeError(w, http.StatusBadRequest, "done is required")
		return
	}
	it, err := h.store.SetDone(id, *body.Done)
	if errors.Is(err, todo.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such item")
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request) {
	id, ok := itemID(w, r)
	if !ok {
		return
	}
	if err := h.store.Delete(id); errors.Is(err, todo.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such item")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}`)

var todoRESTAPIRoutesAndHandlers = harness.Register(&harness.Task{
	ID:         "todo-rest-api-routes-and-handlers",
	Category:   harness.MultiFile,
	Title:      "Write the routes and JSON handlers of a small REST API over a given store",
	Difficulty: 3,
	MaxTokens:  3072,
	Tags:       []string{"go", "http", "json", "rest"},
	Prompt: `The Go module example.com/todo (go 1.22) has this file, todo/store.go, which you must not change:

` + harness.Fenced("go", todoStoreGiven) + `

Write the package api (import path "example.com/todo/api") in two files:

- api/routes.go: func NewRouter(s *todo.Store) http.Handler, registering the routes on an http.ServeMux with Go 1.22 method and wildcard patterns.
- api/handlers.go: the handlers and their JSON helpers.

The API:
- GET /todos → 200 and the JSON array of all items in ID order; no items gives [] (not null).
- POST /todos with body {"title": "..."} → 201, the created item as JSON, and a Location header /todos/<id>. The title is trimmed of surrounding white space; a body that is not valid JSON or a blank title → 400.
- GET /todos/{id} → 200 and the item; unknown id → 404.
- PATCH /todos/{id} with body {"done": true|false} → 200 and the updated item; invalid JSON or a body without a "done" field → 400; unknown id → 404.
- DELETE /todos/{id} → 204 with an empty body; unknown id → 404.
- An {id} that is not a positive integer → 400.
- Every JSON response has Content-Type application/json; every error response is a JSON object {"error": "<message>"}.
- A known path with a method it does not support → 405 (what ServeMux does on its own is fine).

Reply with the two files, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"routes with net/http method patterns", "status codes and JSON error bodies", "distinguishes a missing field from a false one"},
	Reference:    harness.Fenced("go", todoRoutes) + "\n\n" + harness.Fenced("go", todoHandlers),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/todo",
		Given:     map[string]string{"todo/store.go": todoStoreGiven},
		Tests: map[string]string{"api_test.go": `package apitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/todo/api"
	"example.com/todo/todo"
)

type resp struct {
	code int
	hdr  http.Header
	body string
}

func do(t *testing.T, h http.Handler, method, path, body string) resp {
	t.Helper()
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return resp{w.Code, w.Header(), w.Body.String()}
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("response body %q is not JSON: %v", s, err)
	}
}

func wantError(t *testing.T, r resp, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("status %d, want %d (body %q)", r.code, code, r.body)
		return
	}
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error response Content-Type %q, want application/json", ct)
	}
	var e map[string]any
	decode(t, r.body, &e)
	if msg, ok := e["error"].(string); !ok || msg == "" {
		t.Errorf("error body %q has no \"error\" message", r.body)
	}
}

func TestEmptyListIsArray(t *testing.T) {
	h := api.NewRouter(todo.NewStore())
	r := do(t, h, "GET", "/todos", "")
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	if strings.TrimSpace(r.body) != "[]" {
		t.Errorf("empty list body %q, want []", r.body)
	}
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestCreate(t *testing.T) {
	s := todo.NewStore()
	h := api.NewRouter(s)
	r := do(t, h, "POST", "/todos", "{\"title\": \"  buy milk \"}")
	if r.code != 201 {
		t.Fatalf("status %d, want 201 (body %q)", r.code, r.body)
	}
	if loc := r.hdr.Get("Location"); loc != "/todos/1" {
		t.Errorf("Location %q, want /todos/1", loc)
	}
	var it map[string]any
	decode(t, r.body, &it)
	if it["id"] != 1.0 || it["title"] != "buy milk" || it["done"] != false {
		t.Errorf("created item %v", it)
	}
	if got, err := s.Get(1); err != nil || got.Title != "buy milk" {
		t.Errorf("store has %+v, %v", got, err)
	}
	r = do(t, h, "POST", "/todos", "{\"title\": \"walk\"}")
	if loc := r.hdr.Get("Location"); loc != "/todos/2" {
		t.Errorf("second Location %q, want /todos/2", loc)
	}
}

func TestCreateRejects(t *testing.T) {
	s := todo.NewStore()
	h := api.NewRouter(s)
	wantError(t, do(t, h, "POST", "/todos", "{\"title\": \"   \"}"), 400)
	wantError(t, do(t, h, "POST", "/todos", "{\"title\": "), 400)
	wantError(t, do(t, h, "POST", "/todos", "{}"), 400)
	if n := len(s.List()); n != 0 {
		t.Errorf("store has %d items after rejected creates", n)
	}
}

func TestGetAndList(t *testing.T) {
	s := todo.NewStore()
	s.Add("a")
	s.Add("b")
	h := api.NewRouter(s)
	r := do(t, h, "GET", "/todos/2", "")
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	var it map[string]any
	decode(t, r.body, &it)
	if it["id"] != 2.0 || it["title"] != "b" {
		t.Errorf("item %v", it)
	}
	r = do(t, h, "GET", "/todos", "")
	var all []map[string]any
	decode(t, r.body, &all)
	if len(all) != 2 || all[0]["title"] != "a" || all[1]["title"] != "b" {
		t.Errorf("list %v", all)
	}
	wantError(t, do(t, h, "GET", "/todos/99", ""), 404)
	wantError(t, do(t, h, "GET", "/todos/abc", ""), 400)
	wantError(t, do(t, h, "GET", "/todos/-3", ""), 400)
}

func TestPatch(t *testing.T) {
	s := todo.NewStore()
	s.Add("a")
	h := api.NewRouter(s)
	r := do(t, h, "PATCH", "/todos/1", "{\"done\": true}")
	if r.code != 200 {
		t.Fatalf("status %d (body %q)", r.code, r.body)
	}
	var it map[string]any
	decode(t, r.body, &it)
	if it["done"] != true {
		t.Errorf("patched item %v", it)
	}
	r = do(t, h, "PATCH", "/todos/1", "{\"done\": false}")
	if got, _ := s.Get(1); r.code != 200 || got.Done {
		t.Errorf("done=false: status %d, stored %+v", r.code, got)
	}
	s.SetDone(1, true)
	wantError(t, do(t, h, "PATCH", "/todos/1", "{\"title\": \"x\"}"), 400)
	if got, _ := s.Get(1); !got.Done {
		t.Error("a PATCH without done must not change the item")
	}
	wantError(t, do(t, h, "PATCH", "/todos/1", "not json"), 400)
	wantError(t, do(t, h, "PATCH", "/todos/7", "{\"done\": true}"), 404)
	wantError(t, do(t, h, "PATCH", "/todos/x", "{\"done\": true}"), 400)
}

func TestDelete(t *testing.T) {
	s := todo.NewStore()
	s.Add("a")
	h := api.NewRouter(s)
	r := do(t, h, "DELETE", "/todos/1", "")
	if r.code != 204 || r.body != "" {
		t.Errorf("delete: status %d body %q, want 204 and no body", r.code, r.body)
	}
	if _, err := s.Get(1); err == nil {
		t.Error("item still stored after DELETE")
	}
	wantError(t, do(t, h, "DELETE", "/todos/1", ""), 404)
}

func TestMethodNotAllowed(t *testing.T) {
	h := api.NewRouter(todo.NewStore())
	if r := do(t, h, "PUT", "/todos/1", "{}"); r.code != 405 {
		t.Errorf("PUT /todos/1: status %d, want 405", r.code)
	}
	if r := do(t, h, "DELETE", "/todos", ""); r.code != 405 {
		t.Errorf("DELETE /todos: status %d, want 405", r.code)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Decodes done into a plain bool: a body without "done" silently marks the item not done.
		harness.Fenced("go", todoRoutes) + "\n\n" + harness.Fenced("go", strings.Replace(strings.Replace(todoHandlers,
			"Done *bool `json:\"done\"`", "Done bool `json:\"done\"`", 1), `	if body.Done == nil {
		writeError(w, http.StatusBadRequest, "done is required")
		return
	}
	it, err := h.store.SetDone(id, *body.Done)`, `	it, err := h.store.SetDone(id, body.Done)`, 1)),
		// Encodes an empty list as null.
		harness.Fenced("go", todoRoutes) + "\n\n" + harness.Fenced("go", strings.Replace(todoHandlers, `	if items == nil {
		items = []todo.Item{}
	}
`, "", 1)),
		// Handlers only: NewRouter is missing.
		harness.Fenced("go", todoHandlers),
	},
})

func TestTodoRESTAPIRoutesAndHandlers(t *testing.T) { harness.Run(t, todoRESTAPIRoutesAndHandlers) }
