package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const notesStoreGiven = `package store

import (
	"context"
	"errors"
	"time"
)

// Note is one user note.
type Note struct {
	ID      string
	Title   string
	Body    string
	Tags    []string
	Created time.Time
	Updated time.Time
}

var (
	ErrNotFound = errors.New("store: note not found")
	ErrExists   = errors.New("store: note already exists")
)

// Store persists notes. Implementations are safe for concurrent use, and the notes
// they return never share memory with what they keep.
type Store interface {
	// Create adds n, or returns ErrExists if a note with n.ID exists.
	Create(ctx context.Context, n Note) error
	// Get returns the note with id, or ErrNotFound.
	Get(ctx context.Context, id string) (Note, error)
	// Update replaces the note with n.ID, or returns ErrNotFound.
	Update(ctx context.Context, n Note) error
	// List returns every note ordered by ID.
	List(ctx context.Context) ([]Note, error)
}`

const notesMemory = `// file: store/memory.go
package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Memory is an in-memory Store.
type Memory struct {
	mu    sync.RWMutex
	notes map[string]Note
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{notes: map[string]Note{}} }

var _ Store = (*Memory)(nil)

func clone(n Note) Note {
	n.Tags = slices.Clone(n.Tags)
	return n
}

// Create implements Store.
func (m *Memory) Create(_ context.Context, n Note) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.notes[n.ID]; ok {
		return fmt.Errorf("create %q: %w", n.ID, ErrExists)
	}
	m.notes[n.ID] = clone(n)
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id string) (Note, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, ok := m.notes[id]
	if !ok {
		return Note{}, fmt.Errorf("get %q: %w", id, ErrNotFound)
	}
	return clone(n), nil
}

// Update implements Store.
func (m *Memory) Update(_ context.Context, n Note) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.notes[n.ID]; !ok {
		return fmt.Errorf("update %q: %w", n.ID, ErrNotFound)
	}
	m.notes[n.ID] = clone(n)
	return nil
}

// List implements Store.
func (m *Memory) List(_ context.Context) ([]Note, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Note, 0, len(m.notes))
	for _, n := range m.notes {
		out = append(out, clone(n))
	}
	slices.SortFunc(out, func(a, b Note) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}`

const notesService = `// file: service/service.go
// Package service holds the notes use cases on top of a store.Store.
package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/notes/store"
)

var (
	ErrEmptyTitle   = errors.New("title is empty")
	ErrTitleTooLong = errors.New("title is longer than 120 characters")
)

// Service creates, renames and lists notes.
type Service struct {
	store store.Store
	now   func() time.Time
	newID func() string
}

// New returns a Service over s; now and newID are the clock and the id generator.
func New(s store.Store, now func() time.Time, newID func() string) *Service {
	return &Service{store: s, now: now, newID: newID}
}

func checkTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return "", ErrEmptyTitle
	case utf8.RuneCountInString(title) > 120:
		return "", ErrTitleTooLong
	}
	return title, nil
}

// Create stores a new note and returns it.
func (s *Service) Create(ctx context.Context, title, body string, tags ...string) (store.Note, error) {
	title, err := checkTitle(title)
	if err != nil {
		return store.Note{}, err
	}
	now := s.now()
	n := store.Note{ID: s.newID(), Title: title, Body: body, Tags: slices.Clone(tags), Created: now, Updated: now}
	if err := s.store.Create(ctx, n); err != nil {
		return store.Note{}, fmt.Errorf("create note: %w", err)
	}
	return n, nil
}

// Rename changes the title of the note with id and returns the updated note.
func (s *Service) Rename(ctx context.Context, id, title string) (store.Note, error) {
	title, err := checkTitle(title)
	if err != nil {
		return store.Note{}, err
	}
	n, err := s.store.Get(ctx, id)
	if err != nil {
		return store.Note{}, fmt.Errorf("rename note: %w", err)
	}
	n.Title = title
	n.Updated = s.now()
	if err := s.store.Update(ctx, n); err != nil {
		return store.Note{}, fmt.Errorf("rename note: %w", err)
	}
	return n, nil
}

// Recent returns up to n notes, most recently updated first; notes updated at the
// same instant are ordered by ID.
func (s *Service) Recent(ctx context.Context, n int) ([]store.Note, error) {
	if n <= 0 {
		return nil, nil
	}
	all, err := s.store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("recent notes: %w", err)
	}
	slices.SortStableFunc(all, func(a, b store.Note) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return all[:min(n, len(all))], nil
}`

var memoryStoreAndService = harness.Register(&harness.Task{
	ID:         "memory-store-and-service",
	Category:   harness.MultiFile,
	Title:      "Implement an in-memory store for a given interface and a service on top of it",
	Difficulty: 2,
	MaxTokens:  3072,
	Tags:       []string{"go", "interfaces", "concurrency", "errors"},
	Prompt: `The Go module example.com/notes has this file, store/store.go, which you must not change:

` + harness.Fenced("go", notesStoreGiven) + `

Write two files:

1. store/memory.go (package store): an in-memory implementation

       type Memory struct{ ... }
       func NewMemory() *Memory

   satisfying Store exactly as documented: safe for concurrent use; errors wrap ErrNotFound / ErrExists so errors.Is works; List ordered by ID; and no aliasing — a caller that modifies the Tags of a note it passed in or got back must not change what the store holds.

2. service/service.go (package service, importing "example.com/notes/store"):

       var ErrEmptyTitle, ErrTitleTooLong error
       type Service struct{ ... }
       func New(s store.Store, now func() time.Time, newID func() string) *Service
       func (s *Service) Create(ctx context.Context, title, body string, tags ...string) (store.Note, error)
       func (s *Service) Rename(ctx context.Context, id, title string) (store.Note, error)
       func (s *Service) Recent(ctx context.Context, n int) ([]store.Note, error)

   - Titles are trimmed of surrounding white space; an empty title gives ErrEmptyTitle, one longer than 120 characters (runes, after trimming) gives ErrTitleTooLong. Both Create and Rename check this before touching the store.
   - Create takes the ID from newID and sets Created and Updated to now(), stores the note and returns it.
   - Rename sets the new title and Updated = now(), keeps everything else, and returns the updated note; an unknown id gives an error for which errors.Is(err, store.ErrNotFound) holds.
   - Recent returns at most n notes, most recently Updated first, ties broken by ID ascending; n <= 0 gives an empty result.

Reply with the two files, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"implements an interface to its documented contract", "defensive copies and locking", "wires a service over an interface with injected clock and ids"},
	Reference:    harness.Fenced("go", notesMemory) + "\n\n" + harness.Fenced("go", notesService),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/notes",
		Given:     map[string]string{"store/store.go": notesStoreGiven},
		Tests: map[string]string{"notes_test.go": `package notes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/notes/service"
	"example.com/notes/store"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService() (*service.Service, *store.Memory, *clock) {
	m := store.NewMemory()
	c := &clock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	ids := []string{"n3", "n1", "n2", "n5", "n4", "n6", "n7", "n8"}
	i := 0
	next := func() string { i++; return ids[i-1] }
	return service.New(m, c.now, next), m, c
}

func TestMemoryContract(t *testing.T) {
	ctx := context.Background()
	var s store.Store = store.NewMemory()
	if _, err := s.Get(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get missing: %v, want ErrNotFound", err)
	}
	if err := s.Update(ctx, store.Note{ID: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Update missing: %v, want ErrNotFound", err)
	}
	for _, id := range []string{"b", "c", "a"} {
		if err := s.Create(ctx, store.Note{ID: id, Title: id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(ctx, store.Note{ID: "a"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create duplicate: %v, want ErrExists", err)
	}
	all, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range all {
		got = append(got, n.ID)
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("List order %v, want a,b,c", got)
	}
	if err := s.Update(ctx, store.Note{ID: "b", Title: "B2"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Get(ctx, "b"); n.Title != "B2" {
		t.Errorf("after Update, title %q", n.Title)
	}
}

func TestMemoryNoAliasing(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	tags := []string{"go", "db"}
	if err := m.Create(ctx, store.Note{ID: "a", Tags: tags}); err != nil {
		t.Fatal(err)
	}
	tags[0] = "changed-after-create"
	n, _ := m.Get(ctx, "a")
	if n.Tags[0] != "go" {
		t.Fatalf("store shares the Tags passed to Create: %v", n.Tags)
	}
	n.Tags[1] = "changed-after-get"
	again, _ := m.Get(ctx, "a")
	if again.Tags[1] != "db" {
		t.Errorf("store shares the Tags returned by Get: %v", again.Tags)
	}
	all, _ := m.List(ctx)
	all[0].Tags[0] = "changed-after-list"
	again, _ = m.Get(ctx, "a")
	if again.Tags[0] != "go" {
		t.Errorf("store shares the Tags returned by List: %v", again.Tags)
	}
	up := store.Note{ID: "a", Tags: []string{"x"}}
	if err := m.Update(ctx, up); err != nil {
		t.Fatal(err)
	}
	up.Tags[0] = "changed-after-update"
	again, _ = m.Get(ctx, "a")
	if again.Tags[0] != "x" {
		t.Errorf("store shares the Tags passed to Update: %v", again.Tags)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				_ = m.Create(ctx, store.Note{ID: id})
				_, _ = m.Get(ctx, id)
				_ = m.Update(ctx, store.Note{ID: id, Title: "t"})
				if i%50 == 0 {
					_, _ = m.List(ctx)
				}
			}
		}(w)
	}
	wg.Wait()
	all, _ := m.List(ctx)
	if len(all) != 1600 {
		t.Errorf("List has %d notes, want 1600", len(all))
	}
}

func TestCreateValidatesTitle(t *testing.T) {
	ctx := context.Background()
	svc, m, _ := newService()
	if _, err := svc.Create(ctx, "   ", "body"); !errors.Is(err, service.ErrEmptyTitle) {
		t.Errorf("blank title: %v", err)
	}
	if _, err := svc.Create(ctx, strings.Repeat("é", 121), ""); !errors.Is(err, service.ErrTitleTooLong) {
		t.Errorf("121-rune title: %v", err)
	}
	if _, err := svc.Create(ctx, "  "+strings.Repeat("é", 120)+"  ", ""); err != nil {
		t.Errorf("120-rune title with spaces around: %v", err)
	}
	if all, _ := m.List(ctx); len(all) != 1 {
		t.Errorf("store holds %d notes, want 1 (invalid titles must not be stored)", len(all))
	}
}

func TestCreateAndRename(t *testing.T) {
	ctx := context.Background()
	svc, m, c := newService()
	n, err := svc.Create(ctx, "  Groceries ", "milk", "home")
	if err != nil {
		t.Fatal(err)
	}
	t0 := c.t
	if n.ID != "n3" || n.Title != "Groceries" || n.Body != "milk" || !n.Created.Equal(t0) || !n.Updated.Equal(t0) || len(n.Tags) != 1 {
		t.Errorf("Create returned %+v", n)
	}
	c.t = c.t.Add(time.Hour)
	r, err := svc.Rename(ctx, "n3", "Shopping")
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "Shopping" || r.Body != "milk" || !r.Created.Equal(t0) || !r.Updated.Equal(c.t) || len(r.Tags) != 1 || r.Tags[0] != "home" {
		t.Errorf("Rename returned %+v", r)
	}
	stored, _ := m.Get(ctx, "n3")
	if stored.Title != "Shopping" || !stored.Updated.Equal(c.t) || !stored.Created.Equal(t0) {
		t.Errorf("stored after Rename: %+v", stored)
	}
	if _, err := svc.Rename(ctx, "nope", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Rename unknown id: %v, want ErrNotFound", err)
	}
	if _, err := svc.Rename(ctx, "n3", ""); !errors.Is(err, service.ErrEmptyTitle) {
		t.Errorf("Rename to empty: %v", err)
	}
}

func TestRecent(t *testing.T) {
	ctx := context.Background()
	svc, _, c := newService()
	for _, title := range []string{"a", "b", "c", "d", "e"} { // ids n3 n1 n2 n5 n4
		if _, err := svc.Create(ctx, title, ""); err != nil {
			t.Fatal(err)
		}
		if title == "b" || title == "d" {
			c.t = c.t.Add(time.Minute)
		}
	}
	// Updated: n3=t, n1=t, n2=t+1m, n5=t+1m, n4=t+2m.
	c.t = c.t.Add(time.Minute)
	if _, err := svc.Rename(ctx, "n1", "b2"); err != nil { // n1 = t+3m
		t.Fatal(err)
	}
	ids := func(ns []store.Note) string {
		var s []string
		for _, n := range ns {
			s = append(s, n.ID)
		}
		return strings.Join(s, ",")
	}
	got, err := svc.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids(got) != "n1,n4,n2,n5,n3" {
		t.Errorf("Recent(10) = %s, want n1,n4,n2,n5,n3", ids(got))
	}
	if got, _ := svc.Recent(ctx, 3); ids(got) != "n1,n4,n2" {
		t.Errorf("Recent(3) = %s, want n1,n4,n2", ids(got))
	}
	if got, _ := svc.Recent(ctx, 0); len(got) != 0 {
		t.Errorf("Recent(0) = %s, want nothing", ids(got))
	}
	if got, _ := svc.Recent(ctx, -1); len(got) != 0 {
		t.Errorf("Recent(-1) = %s, want nothing", ids(got))
	}
}
`},
	}},
	WrongAnswers: []string{
		// Keeps and hands out the caller's Tags slice: mutations leak into the store.
		harness.Fenced("go", strings.Replace(notesMemory, "\tn.Tags = slices.Clone(n.Tags)\n", "", 1)) + "\n\n" + harness.Fenced("go", notesService),
		// Breaks ties in Recent by ID descending.
		harness.Fenced("go", notesMemory) + "\n\n" +
			harness.Fenced("go", strings.Replace(notesService, "return strings.Compare(a.ID, b.ID)", "return strings.Compare(b.ID, a.ID)", 1)),
		// Only the service: the in-memory store is missing.
		harness.Fenced("go", notesService),
	},
})

func TestMemoryStoreAndService(t *testing.T) { harness.Run(t, memoryStoreAndService) }
