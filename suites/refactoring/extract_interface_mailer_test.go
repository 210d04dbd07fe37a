package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const mailerOriginal = `package signup

import (
	"errors"
	"fmt"
	"net/smtp"
	"strings"
	"sync"
	"time"
)

var (
	ErrInvalidEmail = errors.New("signup: invalid email")
	ErrExists       = errors.New("signup: already registered")
)

// SMTPClient sends mail through an SMTP relay.
type SMTPClient struct {
	Addr string // host:port of the relay
	From string
}

// Send sends a plain-text message.
func (c *SMTPClient) Send(to, subject, body string) error {
	msg := "From: " + c.From + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\n" + body
	return smtp.SendMail(c.Addr, nil, c.From, []string{to}, []byte(msg))
}

// Service registers users and welcomes them by mail.
type Service struct {
	smtp  *SMTPClient
	mu    sync.Mutex
	users map[string]time.Time // normalised email → registration time
}

// NewService returns a Service that mails through smtp.
func NewService(smtp *SMTPClient) *Service {
	return &Service{smtp: smtp, users: make(map[string]time.Time)}
}

// Register normalises email (trimmed, lower-case), records the user and sends the welcome
// mail. If the mail cannot be sent, the registration is rolled back.
func (s *Service) Register(email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	at := strings.Index(email, "@")
	if at <= 0 || at == len(email)-1 || strings.Count(email, "@") != 1 {
		return ErrInvalidEmail
	}
	s.mu.Lock()
	if _, ok := s.users[email]; ok {
		s.mu.Unlock()
		return ErrExists
	}
	now := time.Now()
	s.users[email] = now
	s.mu.Unlock()

	body := "Welcome! Your account was created on " + now.Format("2 January 2006") + "."
	if err := s.smtp.Send(email, "Welcome to Acme", body); err != nil {
		s.mu.Lock()
		delete(s.users, email)
		s.mu.Unlock()
		return fmt.Errorf("send welcome mail: %w", err)
	}
	return nil
}

// RegisteredAt reports when email registered.
func (s *Service) RegisteredAt(email string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.users[strings.ToLower(strings.TrimSpace(email))]
	return t, ok
}`

var mailerReference = strings.NewReplacer(
	"// Service registers users and welcomes them by mail.\ntype Service struct {\n	smtp  *SMTPClient\n",
	"// Mailer sends a plain-text e-mail. *SMTPClient implements it; tests use a fake.\ntype Mailer interface {\n	Send(to, subject, body string) error\n}\n\n// Service registers users and welcomes them by mail.\ntype Service struct {\n	mailer Mailer\n	now    func() time.Time\n",
	"// NewService returns a Service that mails through smtp.\nfunc NewService(smtp *SMTPClient) *Service {\n	return &Service{smtp: smtp, users: make(map[string]time.Time)}\n}",
	"// NewService returns a Service that mails through m and reads the time from now\n// (time.Now when nil).\nfunc NewService(m Mailer, now func() time.Time) *Service {\n	if now == nil {\n		now = time.Now\n	}\n	return &Service{mailer: m, now: now, users: make(map[string]time.Time)}\n}",
	"	now := time.Now()\n", "	now := s.now()\n",
	"s.smtp.Send(", "s.mailer.Send(",
).Replace(mailerOriginal)

var extractInterfaceMailer = harness.Register(&harness.Task{
	ID:         "extract-interface-mailer",
	Category:   harness.Refactoring,
	Title:      "Extract an interface to make a mailer and the clock injectable",
	Difficulty: 2,
	MaxTokens:  2048,
	Tags:       []string{"go", "refactoring", "interfaces", "dependency-injection", "testability"},
	Prompt: `We can't unit-test this signup service: it talks to a real SMTP relay and reads the wall
clock. Refactor it so both are injected:

` + harness.Fenced("go", mailerOriginal) + `

Required API after the change (package signup):

    type Mailer interface {
        Send(to, subject, body string) error
    }
    func NewService(m Mailer, now func() time.Time) *Service // now == nil means time.Now

- *SMTPClient stays as it is and must satisfy Mailer.
- Service must not use *SMTPClient or call time.Now directly any more (only as the default
  for a nil now): every timestamp, including the date in the welcome mail, comes from now.
- Everything else behaves exactly as before: normalisation and validation, ErrInvalidEmail,
  ErrExists, the subject and body of the welcome mail, the rollback when sending fails
  (with the error wrapped as "send welcome mail: ..."), and RegisteredAt.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"extracts a minimal interface at the consumer", "injects a clock", "preserves behaviour incl. rollback"},
	Reference:    harness.Fenced("go", mailerReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "signup",
			Tests: map[string]string{"signup_test.go": `package signup

import (
	"errors"
	"testing"
	"time"
)

var _ Mailer = (*SMTPClient)(nil)

type sent struct{ to, subject, body string }

type fakeMailer struct {
	sent []sent
	err  error
}

func (f *fakeMailer) Send(to, subject, body string) error {
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, sent{to, subject, body})
	return nil
}

var fixed = time.Date(2001, time.February, 3, 4, 5, 6, 0, time.UTC)

func clock() time.Time { return fixed }

func TestRegisterSendsWelcome(t *testing.T) {
	m := &fakeMailer{}
	s := NewService(m, clock)
	if err := s.Register("  Ann@Example.COM "); err != nil {
		t.Fatal(err)
	}
	if len(m.sent) != 1 {
		t.Fatalf("sent %d mails, want 1", len(m.sent))
	}
	want := sent{"ann@example.com", "Welcome to Acme", "Welcome! Your account was created on 3 February 2001."}
	if m.sent[0] != want {
		t.Errorf("sent %+v, want %+v", m.sent[0], want)
	}
	if at, ok := s.RegisteredAt("ANN@example.com"); !ok || !at.Equal(fixed) {
		t.Errorf("RegisteredAt = %v, %v; want %v", at, ok, fixed)
	}
}

func TestDuplicate(t *testing.T) {
	m := &fakeMailer{}
	s := NewService(m, clock)
	s.Register("bob@example.com")
	if err := s.Register("BOB@example.com"); !errors.Is(err, ErrExists) {
		t.Errorf("second Register = %v, want ErrExists", err)
	}
	if len(m.sent) != 1 {
		t.Errorf("sent %d mails, want 1", len(m.sent))
	}
}

func TestInvalid(t *testing.T) {
	m := &fakeMailer{}
	s := NewService(m, clock)
	for _, e := range []string{"", "bob", "@example.com", "bob@", "a@b@c", "  "} {
		if err := s.Register(e); !errors.Is(err, ErrInvalidEmail) {
			t.Errorf("Register(%q) = %v, want ErrInvalidEmail", e, err)
		}
	}
	if len(m.sent) != 0 {
		t.Errorf("sent %d mails for invalid addresses", len(m.sent))
	}
}

func TestRollbackWhenSendFails(t *testing.T) {
	relay := errors.New("451 try again later")
	m := &fakeMailer{err: relay}
	s := NewService(m, clock)
	err := s.Register("cy@example.com")
	if !errors.Is(err, relay) || err.Error() != "send welcome mail: 451 try again later" {
		t.Fatalf("Register = %v", err)
	}
	if _, ok := s.RegisteredAt("cy@example.com"); ok {
		t.Error("registration kept after the mail failed")
	}
	m.err = nil
	if err := s.Register("cy@example.com"); err != nil {
		t.Errorf("retry after rollback: %v", err)
	}
}

func TestNilClockUsesTimeNow(t *testing.T) {
	s := NewService(&fakeMailer{}, nil)
	before := time.Now()
	if err := s.Register("d@example.com"); err != nil {
		t.Fatal(err)
	}
	at, ok := s.RegisteredAt("d@example.com")
	if !ok || at.Before(before) || at.After(time.Now()) {
		t.Errorf("RegisteredAt = %v, %v", at, ok)
	}
}
`},
		},
		harness.GoDeclares{
			Want: []string{"Mailer", "Mailer.Send", "SMTPClient", "SMTPClient.Send", "Service", "NewService", "Service.Register", "Service.RegisteredAt"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", mailerOriginal),
		// Injects both, but the welcome mail still formats time.Now().
		harness.Fenced("go", strings.Replace(mailerReference,
			"now.Format(\"2 January 2006\")", "time.Now().Format(\"2 January 2006\")", 1)),
	},
})

func TestExtractInterfaceMailer(t *testing.T) { harness.Run(t, extractInterfaceMailer) }
