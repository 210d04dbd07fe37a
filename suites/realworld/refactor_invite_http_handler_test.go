package realworld

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// inviteHandlerOriginal is the handler before the refactoring.
const inviteHandlerOriginal = `package invites

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
)

// Invite is a pending invitation to join a team.
type Invite struct {
	ID        string
	TeamID    string
	Email     string
	Role      string
	ExpiresAt time.Time
}

// Store persists invites.
type Store interface {
	TeamExists(teamID string) (bool, error)
	CreateInvite(inv Invite) (Invite, error)
}

// ErrAlreadyInvited is returned by Store.CreateInvite for a duplicate invite.
var ErrAlreadyInvited = errors.New("already invited")

// Server serves the invites API.
type Server struct {
	Store Store
	Now   func() time.Time
}

// handleCreateInvite serves POST /teams/{team}/invites.
func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMethodNotAllowed)
		json.NewEncoder(w).Encode(map[string]string{"error": "method_not_allowed", "message": "use POST"})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnsupportedMediaType)
		json.NewEncoder(w).Encode(map[string]string{"error": "unsupported_media_type", "message": "send application/json"})
		return
	}
	var body struct {
		Email string
		Role  string
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_json", "message": "request body must be a JSON object with email and role"})
		return
	}
	body.Email = strings.TrimSpace(body.Email)
	addr, err := mail.ParseAddress(body.Email)
	if err != nil || addr.Address != body.Email {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_email", "message": "email must be a plain address like name@example.com"})
		return
	}
	if body.Role == "" {
		body.Role = "member"
	}
	if body.Role != "member" && body.Role != "admin" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_role", "message": "role must be member or admin"})
		return
	}
	team := r.PathValue("team")
	ok, err := s.Store.TeamExists(team)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(map[string]string{"error": "internal", "message": "something went wrong"})
		return
	}
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": "team_not_found", "message": "no team " + team})
		return
	}
	inv, err := s.Store.CreateInvite(Invite{
		TeamID:    team,
		Email:     strings.ToLower(body.Email),
		Role:      body.Role,
		ExpiresAt: s.Now().Add(7 * 24 * time.Hour).UTC(),
	})
	if errors.Is(err, ErrAlreadyInvited) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		json.NewEncoder(w).Encode(map[string]string{"error": "already_invited", "message": body.Email + " already has a pending invite"})
		return
	}
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		json.NewEncoder(w).Encode(map[string]string{"error": "internal", "message": "something went wrong"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "/teams/"+team+"/invites/"+inv.ID)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{
		"id":         inv.ID,
		"email":      inv.Email,
		"role":       inv.Role,
		"expires_at": inv.ExpiresAt.Format(time.RFC3339),
	})
}
`

// inviteHandlerReference is the refactored handler.
const inviteHandlerReference = `package invites

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
)

// Invite is a pending invitation to join a team.
type Invite struct {
	ID        string
	TeamID    string
	Email     string
	Role      string
	ExpiresAt time.Time
}

// Store persists invites.
type Store interface {
	TeamExists(teamID string) (bool, error)
	CreateInvite(inv Invite) (Invite, error)
}

// ErrAlreadyInvited is returned by Store.CreateInvite for a duplicate invite.
var ErrAlreadyInvited = errors.New("already invited")

// Server serves the invites API.
type Server struct {
	Store Store
	Now   func() time.Time
}

// inviteRequest is the body of POST /teams/{team}/invites.
type inviteRequest struct {
	Email string
	Role  string
}

// errInvalidJSON is returned by decodeInviteRequest for a body that is not a valid request.
var errInvalidJSON = errors.New("request body must be a JSON object with email and role")

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the API's JSON error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"error": code, "message": message})
}

// decodeInviteRequest reads and decodes the request body (at most 1 MiB, no unknown fields).
func decodeInviteRequest(w http.ResponseWriter, r *http.Request) (inviteRequest, error) {
	var req inviteRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, errInvalidJSON
	}
	req.Email = strings.TrimSpace(req.Email)
	return req, nil
}

// validate checks the request and fills in the default role. It returns the API error
// code and message of the first problem, or "" when the request is valid.
func (req *inviteRequest) validate() (code, message string) {
	addr, err := mail.ParseAddress(req.Email)
	if err != nil || addr.Address != req.Email {
		return "invalid_email", "email must be a plain address like name@example.com"
	}
	if req.Role == "" {
		req.Role = "member"
	}
	if req.Role != "member" && req.Role != "admin" {
		return "invalid_role", "role must be member or admin"
	}
	return "", ""
}

// handleCreateInvite serves POST /teams/{team}/invites.
func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "use POST")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json")
		return
	}
	req, err := decodeInviteRequest(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_json", err.Error())
		return
	}
	if code, msg := req.validate(); code != "" {
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	team := r.PathValue("team")
	ok, err := s.Store.TeamExists(team)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong")
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "team_not_found", "no team "+team)
		return
	}
	inv, err := s.Store.CreateInvite(Invite{
		TeamID:    team,
		Email:     strings.ToLower(req.Email),
		Role:      req.Role,
		ExpiresAt: s.Now().Add(7 * 24 * time.Hour).UTC(),
	})
	switch {
	case errors.Is(err, ErrAlreadyInvited):
		writeError(w, http.StatusConflict, "already_invited", req.Email+" already has a pending invite")
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong")
		return
	}
	w.Header().Set("Location", "/teams/"+team+"/invites/"+inv.ID)
	writeJSON(w, http.StatusCreated, map[string]string{
		"id":         inv.ID,
		"email":      inv.Email,
		"role":       inv.Role,
		"expires_at": inv.ExpiresAt.Format(time.RFC3339),
	})
}
`

var refactorInviteHTTPHandler = harness.Register(&harness.Task{
	ID:         "refactor-invite-http-handler",
	Category:   harness.Refactoring,
	Title:      "Refactor a repetitive HTTP handler into helpers without changing its behaviour",
	Difficulty: 4,
	MaxTokens:  4096,
	Tags:       []string{"real-world", "go", "net/http", "refactoring"},
	Prompt: `This handler from our invites service repeats the same four lines for every error response and mixes decoding, validation and persistence. Refactor the file:

` + harness.Fenced("go", inviteHandlerOriginal) + `

Required structure (keep everything else in the file as it is):
- func writeJSON(w http.ResponseWriter, status int, v any) sets Content-Type: application/json, writes the status and encodes v as JSON.
- func writeError(w http.ResponseWriter, status int, code, message string) writes the {"error": code, "message": message} body through writeJSON.
- type inviteRequest struct { Email string; Role string } replaces the anonymous body struct, and
  func decodeInviteRequest(w http.ResponseWriter, r *http.Request) (inviteRequest, error) does the size-limited, strict JSON decoding (and trims the email).
- A method named validate on inviteRequest checks the email and role and applies the default role; its signature is up to you.
- handleCreateInvite no longer writes headers' Content-Type, calls WriteHeader or creates JSON encoders itself: every response goes through writeJSON or writeError.

The behaviour must not change at all: same status codes, headers, JSON bodies and error messages for every request, and the same order of checks. The existing HTTP tests must keep passing.

Reply with the complete refactored Go file (package invites) in one fenced code block.`,
	Capabilities: []string{"extracts helpers from duplicated code", "preserves observable HTTP behaviour exactly (status codes, headers, bodies, check order)", "notices the one response with an extra header"},
	Reference:    harness.Fenced("go", inviteHandlerReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "invites",
			Tests:   map[string]string{"invites_test.go": inviteHandlerTests},
		},
		harness.GoDeclares{Want: []string{"writeJSON", "writeError", "inviteRequest", "decodeInviteRequest", "inviteRequest.validate", "Server.handleCreateInvite"}},
		harness.Func{Label: "handler-uses-helpers", Version: "1", Fn: checkInviteHandlerUsesHelpers},
	},
	WrongAnswers: []string{
		// Tidy, but the 405 response loses its Allow header.
		harness.Fenced("go", strings.Replace(inviteHandlerReference, "\t\tw.Header().Set(\"Allow\", \"POST\")\n", "", 1)),
		// Looks the team up before validating the body: a different error for bad requests to unknown teams.
		harness.Fenced("go", moveTeamLookupFirst(inviteHandlerReference)),
		// Behaviour preserved, structure not: the original file.
		harness.Fenced("go", inviteHandlerOriginal),
	},
})

// moveTeamLookupFirst reorders the reference so the team lookup runs before decoding
// and validation.
func moveTeamLookupFirst(src string) string {
	decode := strings.Index(src, "\treq, err := decodeInviteRequest(w, r)")
	lookup := strings.Index(src, "\tteam := r.PathValue(\"team\")")
	create := strings.Index(src, "\tinv, err := s.Store.CreateInvite(")
	if decode < 0 || lookup < decode || create < lookup {
		return src
	}
	return src[:decode] + src[lookup:create] + src[decode:lookup] + src[create:]
}

// checkInviteHandlerUsesHelpers checks that handleCreateInvite itself no longer calls
// WriteHeader, creates JSON encoders or sets Content-Type.
func checkInviteHandlerUsesHelpers(_ context.Context, answer string) harness.CheckResult {
	src, err := harness.GoCode(answer)
	if err != nil {
		return harness.CheckResult{Detail: err.Error()}
	}
	f, err := parser.ParseFile(token.NewFileSet(), "answer.go", src, 0)
	if err != nil {
		return harness.CheckResult{Detail: "the Go code does not parse: " + err.Error()}
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "handleCreateInvite" && fn.Body != nil {
			body = fn.Body
		}
	}
	if body == nil {
		return harness.CheckResult{Detail: "handleCreateInvite not found"}
	}
	var bad []string
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == "WriteHeader" || n.Sel.Name == "NewEncoder" {
				bad = append(bad, "calls "+n.Sel.Name)
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Set" || len(n.Args) == 0 {
				break
			}
			if lit, ok := n.Args[0].(*ast.BasicLit); ok && strings.EqualFold(strings.Trim(lit.Value, "\""), "Content-Type") {
				bad = append(bad, "sets Content-Type")
			}
		}
		return true
	})
	if len(bad) > 0 {
		slices.Sort(bad)
		return harness.CheckResult{Detail: "handleCreateInvite still " + strings.Join(slices.Compact(bad), ", ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

// inviteHandlerTests are the service's HTTP tests.
const inviteHandlerTests = `package invites

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fakeStore struct {
	teams      map[string]bool
	existsErr  error
	createErr  error
	created    []Invite
	existsCall int
}

func (f *fakeStore) TeamExists(teamID string) (bool, error) {
	f.existsCall++
	if f.existsErr != nil {
		return false, f.existsErr
	}
	return f.teams[teamID], nil
}

func (f *fakeStore) CreateInvite(inv Invite) (Invite, error) {
	if f.createErr != nil {
		return Invite{}, f.createErr
	}
	inv.ID = "inv_" + string(rune('a'+len(f.created)))
	f.created = append(f.created, inv)
	return inv, nil
}

var fixedNow = time.Date(2025, 5, 6, 14, 30, 0, 0, time.FixedZone("CEST", 2*3600))

func newServer(store *fakeStore) http.Handler {
	s := &Server{Store: store, Now: func() time.Time { return fixedNow }}
	mux := http.NewServeMux()
	mux.HandleFunc("/teams/{team}/invites", s.handleCreateInvite)
	return mux
}

func do(t *testing.T, h http.Handler, method, path, contentType, body string) (*httptest.ResponseRecorder, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("%s %s: body is not a JSON object of strings: %v\n%s", method, path, err, rec.Body.String())
	}
	return rec, got
}

func wantError(t *testing.T, rec *httptest.ResponseRecorder, body map[string]string, status int, code, message string) {
	t.Helper()
	if rec.Code != status || body["error"] != code || body["message"] != message || len(body) != 2 {
		t.Errorf("got %d %v, want %d {error: %s, message: %s}", rec.Code, body, status, code, message)
	}
}

func TestCreateInvite(t *testing.T) {
	store := &fakeStore{teams: map[string]bool{"t1": true}}
	rec, body := do(t, newServer(store), "POST", "/teams/t1/invites", "application/json; charset=utf-8", "{\"email\": \"  Ada.Lovelace@Example.com \", \"role\": \"admin\"}")
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d, want 201: %v", rec.Code, body)
	}
	if loc := rec.Header().Get("Location"); loc != "/teams/t1/invites/inv_a" {
		t.Errorf("Location %q, want /teams/t1/invites/inv_a", loc)
	}
	want := map[string]string{"id": "inv_a", "email": "ada.lovelace@example.com", "role": "admin", "expires_at": "2025-05-13T12:30:00Z"}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %q, want %q", k, body[k], v)
		}
	}
	if len(store.created) != 1 || store.created[0].TeamID != "t1" || !store.created[0].ExpiresAt.Equal(fixedNow.Add(7*24*time.Hour)) {
		t.Errorf("stored %+v", store.created)
	}
}

func TestDefaultRoleIsMember(t *testing.T) {
	store := &fakeStore{teams: map[string]bool{"t1": true}}
	rec, body := do(t, newServer(store), "POST", "/teams/t1/invites", "application/json", "{\"email\": \"bob@example.com\"}")
	if rec.Code != http.StatusCreated || body["role"] != "member" {
		t.Errorf("got %d %v, want 201 with role member", rec.Code, body)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	rec, body := do(t, newServer(&fakeStore{}), "GET", "/teams/t1/invites", "", "")
	wantError(t, rec, body, http.StatusMethodNotAllowed, "method_not_allowed", "use POST")
	if a := rec.Header().Get("Allow"); a != "POST" {
		t.Errorf("Allow header %q, want POST", a)
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	rec, body := do(t, newServer(&fakeStore{}), "POST", "/teams/t1/invites", "text/plain", "{\"email\": \"bob@example.com\"}")
	wantError(t, rec, body, http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json")
}

func TestInvalidJSON(t *testing.T) {
	const msg = "request body must be a JSON object with email and role"
	h := newServer(&fakeStore{teams: map[string]bool{"t1": true}})
	for _, b := range []string{
		"{\"email\": ",
		"[]",
		"{\"email\": \"bob@example.com\", \"team\": \"t2\"}",
		"{\"email\": \"" + strings.Repeat("a", 1<<20) + "@example.com\"}",
	} {
		rec, body := do(t, h, "POST", "/teams/t1/invites", "application/json", b)
		wantError(t, rec, body, http.StatusBadRequest, "invalid_json", msg)
	}
}

func TestInvalidEmailAndRole(t *testing.T) {
	h := newServer(&fakeStore{teams: map[string]bool{"t1": true}})
	for _, e := range []string{"not-an-email", "Bob <bob@example.com>", ""} {
		rec, body := do(t, h, "POST", "/teams/t1/invites", "application/json", "{\"email\": \""+e+"\"}")
		wantError(t, rec, body, http.StatusBadRequest, "invalid_email", "email must be a plain address like name@example.com")
	}
	rec, body := do(t, h, "POST", "/teams/t1/invites", "application/json", "{\"email\": \"bob@example.com\", \"role\": \"owner\"}")
	wantError(t, rec, body, http.StatusBadRequest, "invalid_role", "role must be member or admin")
}

func TestValidationComesBeforeTeamLookup(t *testing.T) {
	store := &fakeStore{teams: map[string]bool{}}
	rec, body := do(t, newServer(store), "POST", "/teams/ghost/invites", "application/json", "{\"email\": \"nope\"}")
	wantError(t, rec, body, http.StatusBadRequest, "invalid_email", "email must be a plain address like name@example.com")
	if store.existsCall != 0 {
		t.Errorf("TeamExists called %d times for an invalid request", store.existsCall)
	}
}

func TestUnknownTeam(t *testing.T) {
	rec, body := do(t, newServer(&fakeStore{teams: map[string]bool{}}), "POST", "/teams/ghost/invites", "application/json", "{\"email\": \"bob@example.com\"}")
	wantError(t, rec, body, http.StatusNotFound, "team_not_found", "no team ghost")
}

func TestStoreErrorsDoNotLeak(t *testing.T) {
	rec, body := do(t, newServer(&fakeStore{existsErr: errors.New("pq: connection refused")}), "POST", "/teams/t1/invites", "application/json", "{\"email\": \"bob@example.com\"}")
	wantError(t, rec, body, http.StatusInternalServerError, "internal", "something went wrong")
	rec, body = do(t, newServer(&fakeStore{teams: map[string]bool{"t1": true}, createErr: errors.New("pq: deadlock detected")}), "POST", "/teams/t1/invites", "application/json", "{\"email\": \"bob@example.com\"}")
	wantError(t, rec, body, http.StatusInternalServerError, "internal", "something went wrong")
}

func TestAlreadyInvited(t *testing.T) {
	store := &fakeStore{teams: map[string]bool{"t1": true}, createErr: errors.Join(errors.New("insert invite"), ErrAlreadyInvited)}
	rec, body := do(t, newServer(store), "POST", "/teams/t1/invites", "application/json", "{\"email\": \" Bob@Example.com\"}")
	wantError(t, rec, body, http.StatusConflict, "already_invited", "Bob@Example.com already has a pending invite")
}

func TestHelpers(t *testing.T) {
	rec := httptest.NewRecorder()
	writeError(rec, http.StatusTeapot, "teapot", "short and stout")
	if rec.Code != http.StatusTeapot || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("writeError: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got["error"] != "teapot" || got["message"] != "short and stout" {
		t.Errorf("writeError body %q", rec.Body.String())
	}
	rec = httptest.NewRecorder()
	writeJSON(rec, http.StatusAccepted, []int{1, 2})
	if rec.Code != http.StatusAccepted || strings.TrimSpace(rec.Body.String()) != "[1,2]" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("writeJSON: %d %q %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"))
	}
}
`

func TestRefactorInviteHTTPHandler(t *testing.T) { harness.Run(t, refactorInviteHTTPHandler) }

// TestInviteWrongAnswersDiffer checks each wrong answer's edit still applies.
func TestInviteWrongAnswersDiffer(t *testing.T) {
	for i, w := range refactorInviteHTTPHandler.WrongAnswers {
		if w == refactorInviteHTTPHandler.Reference {
			t.Errorf("wrong answer %d is the reference: its edit no longer applies", i)
		}
	}
}
