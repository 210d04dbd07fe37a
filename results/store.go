// Package results is lim's SQLite store: its schema and migrations, the writes a run
// makes, and everything that reads results back (leaderboard, reports).
package results

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ApplicationID marks a SQLite file as lim's (PRAGMA application_id, "LIM1").
const ApplicationID = 0x4C494D31

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is an open lim results database. It is safe for concurrent use by many
// goroutines and, through SQLite's locking, by several processes at once.
type Store struct {
	db   *sqlx.DB
	path string
}

// DSN returns the data source name lim opens path with: every pooled connection gets
// a busy timeout, WAL journaling and foreign keys.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the lim database at path and brings its schema up to
// date. A file that is not SQLite, or is SQLite but not lim's, is an error; it is never
// overwritten.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open results store: empty path (set LIM_DB or pass a file name)")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open results store %s: %w", path, err)
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	// Several processes (go test runs one per package) may create the same new file at
	// once. Switching a new file to WAL takes a lock SQLite does not wait for, so an
	// open that finds the file busy starts over, for as long as the busy timeout.
	deadline := time.Now().Add(openBusyWait)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		s, err := open(ctx, path)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open results store %s: %w", path, ctx.Err())
		case <-time.After(wait + time.Duration(rand.Int64N(int64(wait)))):
		}
	}
}

// openBusyWait bounds how long Open retries a file other processes are initialising.
const openBusyWait = 30 * time.Second

func open(ctx context.Context, path string) (*Store, error) {
	db, err := sqlx.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open results store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// isBusy reports whether err is SQLite saying another connection holds the lock.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		code := coded.Code() & 0xff   // primary result code
		return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

// checkHeader refuses a non-empty file that does not start with SQLite's magic string,
// before the driver gets a chance to touch it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open results store %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n == 0 {
		return nil
	}
	if string(head[:n]) != "SQLite format 3\x00" {
		return fmt.Errorf("open results store %s: the file is not a SQLite database (corrupt, or another program's file); lim will not overwrite it: move it away or point LIM_DB at another file", path)
	}
	return nil
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// DB exposes the underlying handle for packages that keep their own tables here.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: versions must run 1, 2, 3… without gaps", m.name)
		}
	}
	return ms, nil
}

// migrate checks that the file is lim's (or empty) and applies the migrations it lacks,
// each in its own transaction, recording progress in PRAGMA user_version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("open results store %s: %w", s.path, describeOpenError(err))
	}
	defer conn.Close()

	// One statement, so one snapshot: read apart, another process's first migration
	// could commit between the reads and its tables show without its application_id.
	var id struct {
		AppID   int `db:"app_id"`
		Version int `db:"version"`
		Tables  int `db:"tables"`
	}
	if err := conn.GetContext(ctx, &id, `SELECT
		(SELECT application_id FROM pragma_application_id()) AS app_id,
		(SELECT user_version FROM pragma_user_version()) AS version,
		(SELECT count(*) FROM sqlite_master) AS tables`); err != nil {
		return fmt.Errorf("open results store %s: %w", s.path, describeOpenError(err))
	}
	appID, version, tables := id.AppID, id.Version, id.Tables
	switch {
	case appID == 0 && tables == 0:
		// A new, empty database: ours to initialise.
	case appID != ApplicationID:
		return fmt.Errorf("open results store %s: this SQLite file belongs to another program (application_id %#x, %d tables); lim will not modify it: point LIM_DB at another file", s.path, appID, tables)
	case version > len(ms):
		return fmt.Errorf("open results store %s: schema version %d is newer than this lim knows (%d); update lim or use another LIM_DB", s.path, version, len(ms))
	}

	for _, m := range ms[version:] {
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, conn *sqlx.Conn, m migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s to %s: %w", s.path, m.name, err)
	}
	defer tx.Rollback()
	// Another process may have migrated while this one waited for the write lock.
	var current int
	if err := tx.GetContext(ctx, &current, "PRAGMA user_version"); err != nil {
		return fmt.Errorf("migrate %s to %s: %w", s.path, m.name, err)
	}
	if current >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s to %s: %w", s.path, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", m.version, ApplicationID)); err != nil {
		return fmt.Errorf("migrate %s to %s: record version: %w", s.path, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s to %s: %w", s.path, m.name, err)
	}
	return nil
}

func describeOpenError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") {
		return fmt.Errorf("%w (the file is corrupt; lim will not overwrite it: move it away or point LIM_DB at another file)", err)
	}
	return err
}
