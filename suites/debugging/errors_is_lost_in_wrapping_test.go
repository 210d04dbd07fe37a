package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const errorsIsBuggy = `package profile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
)

// ErrNotFound means the requested record does not exist.
var ErrNotFound = errors.New("not found")

// User is a row of the users table.
type User struct {
	ID   int64
	Name string
}

// DB is the slice of the database the repository needs.
type DB interface {
	QueryUser(ctx context.Context, id int64) (User, error)
}

// QueryError describes a failed query.
type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return "query " + e.Query + ": " + e.Err.Error() }

// Repo reads users.
type Repo struct{ DB DB }

// FindUser returns the user with id, an error matching ErrNotFound if there is none.
func (r *Repo) FindUser(ctx context.Context, id int64) (User, error) {
	u, err := r.DB.QueryUser(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, &QueryError{Query: "user by id", Err: ErrNotFound}
	}
	if err != nil {
		return User{}, fmt.Errorf("find user %d: %v", id, err)
	}
	return u, nil
}

// Profile is what GET /profile/{id} returns.
type Profile struct {
	ID          int64
	DisplayName string
}

// Service builds profiles.
type Service struct{ Repo *Repo }

// Profile loads the profile of user id.
func (s *Service) Profile(ctx context.Context, id int64) (Profile, error) {
	u, err := s.Repo.FindUser(ctx, id)
	if err != nil {
		return Profile{}, fmt.Errorf("load profile: %v", err)
	}
	return Profile{ID: u.ID, DisplayName: u.Name}, nil
}

// StatusFor maps an error from the service to an HTTP status code.
func StatusFor(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return 499 // client closed request
	default:
		return http.StatusInternalServerError
	}
}`

var errorsIsLostInWrapping = harness.Register(&harness.Task{
	ID:         "errors-is-lost-in-wrapping",
	Category:   harness.Debugging,
	Title:      "Fix error wrapping that breaks errors.Is and the HTTP status mapping",
	Difficulty: 3,
	MaxTokens:  2048,
	Tags:       []string{"go", "errors", "wrapping", "net/http"},
	Prompt: `Our profile endpoint answers 500 for users that do not exist and for database timeouts.
Access log:

    GET /profile/42    500 1ms   err="load profile: query user by id: not found"
    GET /profile/7     500 5002ms err="load profile: find user 7: context deadline exceeded"
    GET /profile/3     200 2ms

Expected: 404 for the first, 504 for the second. The handler calls
StatusFor(err) on the error returned by Service.Profile. Here is profile.go:

` + harness.Fenced("go", errorsIsBuggy) + `

Fix it so that errors.Is sees the underlying causes (ErrNotFound, context errors, and any
other error the DB returns, such as sql.ErrConnDone), and errors.As can still extract a
*QueryError. Error messages must stay exactly as they are now.
Reply with the complete fixed profile.go in one fenced code block.`,
	Capabilities: []string{"Go error wrapping (%w vs %v)", "Unwrap on custom error types", "errors.Is/errors.As chains", "reads an access log"},
	Reference: harness.Fenced("go", strings.NewReplacer(
		"func (e *QueryError) Error() string { return \"query \" + e.Query + \": \" + e.Err.Error() }",
		"func (e *QueryError) Error() string { return \"query \" + e.Query + \": \" + e.Err.Error() }\n\n// Unwrap lets errors.Is and errors.As see the cause.\nfunc (e *QueryError) Unwrap() error { return e.Err }",
		"\"find user %d: %v\"", "\"find user %d: %w\"",
		"\"load profile: %v\"", "\"load profile: %w\"",
	).Replace(errorsIsBuggy)),
	Checks: []harness.Check{harness.GoTests{
		Package: "profile",
		Tests: map[string]string{"profile_test.go": `package profile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

type fakeDB struct {
	u   User
	err error
}

func (f fakeDB) QueryUser(context.Context, int64) (User, error) { return f.u, f.err }

func profile(err error) error {
	s := &Service{Repo: &Repo{DB: fakeDB{u: User{ID: 3, Name: "Ann"}, err: err}}}
	_, e := s.Profile(context.Background(), 42)
	return e
}

func TestNotFoundIs404(t *testing.T) {
	err := profile(sql.ErrNoRows)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = false", err)
	}
	if got := StatusFor(err); got != http.StatusNotFound {
		t.Errorf("StatusFor = %d, want 404", got)
	}
	if got := profile(fmt.Errorf("driver: %w", sql.ErrNoRows)); StatusFor(got) != http.StatusNotFound {
		t.Errorf("wrapped sql.ErrNoRows: StatusFor = %d, want 404", StatusFor(got))
	}
}

func TestQueryErrorStillExtractable(t *testing.T) {
	err := profile(sql.ErrNoRows)
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Query != "user by id" {
		t.Fatalf("errors.As(%v, *QueryError) failed", err)
	}
	if !errors.Is(qe, ErrNotFound) {
		t.Error("errors.Is(*QueryError, ErrNotFound) = false")
	}
}

func TestTimeoutIs504(t *testing.T) {
	err := profile(context.DeadlineExceeded)
	if got := StatusFor(err); got != http.StatusGatewayTimeout {
		t.Errorf("StatusFor(%v) = %d, want 504", err, got)
	}
	if got := StatusFor(profile(context.Canceled)); got != 499 {
		t.Errorf("canceled: StatusFor = %d, want 499", got)
	}
}

func TestOtherDBErrorsAreVisible(t *testing.T) {
	err := profile(sql.ErrConnDone)
	if !errors.Is(err, sql.ErrConnDone) {
		t.Errorf("errors.Is(%v, sql.ErrConnDone) = false", err)
	}
	if got := StatusFor(err); got != http.StatusInternalServerError {
		t.Errorf("StatusFor = %d, want 500", got)
	}
}

func TestMessagesUnchanged(t *testing.T) {
	for cause, want := range map[error]string{
		sql.ErrNoRows:            "load profile: query user by id: not found",
		context.DeadlineExceeded: "load profile: find user 42: context deadline exceeded",
	} {
		if err := profile(cause); err == nil || err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	}
}

func TestSuccess(t *testing.T) {
	s := &Service{Repo: &Repo{DB: fakeDB{u: User{ID: 3, Name: "Ann"}}}}
	p, err := s.Profile(context.Background(), 3)
	if err != nil || p != (Profile{ID: 3, DisplayName: "Ann"}) || StatusFor(err) != http.StatusOK {
		t.Errorf("Profile = %+v, %v", p, err)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", errorsIsBuggy),
		// Switches both fmt.Errorf calls to %w but leaves QueryError without Unwrap:
		// timeouts become 504, missing users are still 500.
		harness.Fenced("go", strings.NewReplacer(
			"\"find user %d: %v\"", "\"find user %d: %w\"",
			"\"load profile: %v\"", "\"load profile: %w\"",
		).Replace(errorsIsBuggy)),
		// "Fixes" 404 by comparing strings and keeps %v: other causes stay invisible.
		harness.Fenced("go", strings.NewReplacer(
			"	case errors.Is(err, ErrNotFound):",
			"	case errors.Is(err, ErrNotFound), strings.HasSuffix(err.Error(), \": not found\"):",
			"\t\"net/http\"\n)", "\t\"net/http\"\n\t\"strings\"\n)",
		).Replace(errorsIsBuggy)),
	},
})

func TestErrorsIsLostInWrapping(t *testing.T) { harness.Run(t, errorsIsLostInWrapping) }
