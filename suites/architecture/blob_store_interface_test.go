package architecture

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// blobStoreStreams checks the declared Store interface: every method takes a
// context.Context first, and Put and Get stream through io readers or writers (never
// []byte), so 50 GB objects don't sit in memory.
func blobStoreStreams(_ context.Context, answer string) harness.CheckResult {
	res := harness.CheckResult{Name: "streaming-signatures"}
	src, err := harness.GoCode(answer)
	if err != nil {
		res.Detail = err.Error()
		return res
	}
	if !strings.Contains(src, "package ") {
		src = "package blob\n\n" + src
	}
	f, err := parser.ParseFile(token.NewFileSet(), "answer.go", src, 0)
	if err != nil {
		res.Detail = "the Go code does not parse: " + err.Error()
		return res
	}
	expr := func(e ast.Expr) string {
		switch t := e.(type) {
		case *ast.SelectorExpr:
			if x, ok := t.X.(*ast.Ident); ok {
				return x.Name + "." + t.Sel.Name
			}
		case *ast.ArrayType:
			if id, ok := t.Elt.(*ast.Ident); ok && t.Len == nil {
				return "[]" + id.Name
			}
		case *ast.Ident:
			return t.Name
		}
		return "?"
	}
	var store *ast.InterfaceType
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "Store" {
			store, _ = ts.Type.(*ast.InterfaceType)
		}
		return store == nil
	})
	if store == nil {
		res.Detail = "no interface named Store"
		return res
	}
	var problems []string
	checked := 0
	for _, m := range store.Methods.List {
		ft, ok := m.Type.(*ast.FuncType)
		if !ok || len(m.Names) == 0 {
			continue
		}
		name := m.Names[0].Name
		var params, results []string
		for _, p := range ft.Params.List {
			for range max(1, len(p.Names)) {
				params = append(params, expr(p.Type))
			}
		}
		if ft.Results != nil {
			for _, r := range ft.Results.List {
				for range max(1, len(r.Names)) {
					results = append(results, expr(r.Type))
				}
			}
		}
		checked++
		if len(params) == 0 || params[0] != "context.Context" {
			problems = append(problems, name+" does not take a context.Context first")
		}
		has := func(list []string, ok func(string) bool) bool {
			for _, x := range list {
				if ok(x) {
					return true
				}
			}
			return false
		}
		isBytes := func(x string) bool { return x == "[]byte" }
		reader := func(x string) bool { return strings.HasPrefix(x, "io.") && strings.Contains(x, "Read") }
		writer := func(x string) bool { return strings.HasPrefix(x, "io.") && strings.Contains(x, "Write") }
		switch name {
		case "Put":
			if has(params, isBytes) || has(results, isBytes) {
				problems = append(problems, "Put takes []byte: the whole object would sit in memory")
			} else if !has(params, reader) && !has(results, writer) {
				problems = append(problems, "Put neither takes an io.Reader nor returns an io.Writer")
			}
		case "Get":
			if has(results, isBytes) || has(params, isBytes) {
				problems = append(problems, "Get returns []byte: the whole object would sit in memory")
			} else if !has(results, reader) && !has(params, writer) {
				problems = append(problems, "Get neither returns an io.Reader/io.ReadCloser nor takes an io.Writer")
			}
		}
	}
	if checked == 0 {
		problems = append(problems, "Store declares no methods")
	}
	if len(problems) > 0 {
		res.Detail = strings.Join(problems, "; ")
		return res
	}
	res.Passed, res.Score = true, 1
	res.Detail = fmt.Sprintf("%d methods checked", checked)
	return res
}

var blobStoreInterface = harness.Register(&harness.Task{
	ID:         "blob-store-interface",
	Category:   harness.Architecture,
	Title:      "Propose the Go interface for a pluggable blob store",
	Difficulty: 2,
	MaxTokens:  2048,
	Tags:       []string{"go", "interfaces", "api-design", "storage"},
	Prompt: `Our backup service writes archives to object storage. It must run against the local filesystem (tests, small installs), Amazon S3 and Google Cloud Storage, so we want one Go interface with three implementations. Requirements:

- archives are up to 50 GB: nothing may hold a whole object in memory (stream through the standard io interfaces);
- every call can be cancelled and has a deadline;
- callers need an object's size, content type, last-modified time and a checksum or ETag without downloading it;
- listing by key prefix, over buckets with millions of objects, page by page;
- conditional create ("write only if the key does not exist yet") — the service uses it as a lock file;
- deleting a key that does not exist is not an error;
- callers must be able to tell "not found" and "precondition failed" apart from other errors with errors.Is.

Propose the API. Reply with one fenced Go code block declaring package blob with: the interface Store with the methods Put, Get, Stat, Delete and List (you design the signatures and any option or result types); the sentinel errors ErrNotFound and ErrPreconditionFailed; and an Attrs type for the metadata. Doc comments on each method. After the block, a few sentences on the choices you made (streaming, pagination, conditional writes).`,
	Capabilities: []string{"streams with io.Reader / io.ReadCloser", "context on every call", "cursor-based pagination for large listings", "conditional create and distinguishable sentinel errors"},
	Reference: harness.Fenced("go", `package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

var (
	// ErrNotFound: the key does not exist (Get, Stat).
	ErrNotFound = errors.New("blob: not found")
	// ErrPreconditionFailed: a conditional Put lost (the key already exists, or its
	// ETag no longer matches).
	ErrPreconditionFailed = errors.New("blob: precondition failed")
)

// Attrs is an object's metadata.
type Attrs struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
	ETag        string // opaque version tag; changes on every write
	SHA256      []byte // set when the backend stores a checksum
}

// PutOptions control a write.
type PutOptions struct {
	ContentType string
	// IfNotExists makes the write fail with ErrPreconditionFailed when the key exists.
	IfNotExists bool
	// IfMatch, when set, makes the write fail with ErrPreconditionFailed unless the
	// current ETag equals it.
	IfMatch string
}

// ListPage is one page of a listing.
type ListPage struct {
	Objects []Attrs
	// Next is the cursor of the following page; "" when this is the last one.
	Next string
}

// Store is an object store. Implementations are safe for concurrent use.
type Store interface {
	// Put streams r to key until EOF and returns the stored object's attributes.
	// Nothing is visible under key unless the whole stream was written.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Attrs, error)
	// Get opens key for reading; the caller must close the reader. ErrNotFound if absent.
	Get(ctx context.Context, key string) (io.ReadCloser, Attrs, error)
	// Stat returns key's attributes without reading its content. ErrNotFound if absent.
	Stat(ctx context.Context, key string) (Attrs, error)
	// Delete removes key; deleting a missing key succeeds.
	Delete(ctx context.Context, key string) error
	// List returns up to limit objects whose keys start with prefix, in key order,
	// starting after cursor ("" for the first page).
	List(ctx context.Context, prefix, cursor string, limit int) (ListPage, error)
}`) + `

Choices:
- Streaming: Put takes an io.Reader and Get returns an io.ReadCloser, so a 50 GB archive flows through in chunks (S3 multipart and GCS resumable uploads sit behind Put). Get also returns the Attrs so callers don't need a second Stat round trip.
- Context first on every method: cancellation and deadlines map onto the SDKs' own contexts and onto file operations checked between chunks.
- Pagination: an opaque cursor plus a limit maps onto S3 continuation tokens, GCS page tokens and a sorted directory walk; the caller never holds millions of keys at once and can resume a listing.
- Conditional writes: IfNotExists maps to S3 If-None-Match: *, GCS ifGenerationMatch=0 and O_CREATE|O_EXCL on disk, which makes the lock file safe; IfMatch allows compare-and-swap updates. Losing the race is ErrPreconditionFailed, which callers test with errors.Is, while implementations wrap backend errors with %w around the sentinels.
- Delete is idempotent so retries after a timeout are safe.`,
	Checks: []harness.Check{
		harness.GoDeclares{Want: []string{"Store", "Store.Put", "Store.Get", "Store.Stat", "Store.Delete", "Store.List", "ErrNotFound", "ErrPreconditionFailed", "Attrs"}},
		harness.Func{Label: "streaming-signatures", Version: "1", Fn: blobStoreStreams},
		harness.Contains{Label: "pagination", All: []string{"cursor|token|continuation|marker|iter.Seq|next page|NextPage|PageToken"}},
	},
	WrongAnswers: []string{harness.Fenced("go", `package blob

import (
	"context"
	"errors"
	"time"
)

var (
	ErrNotFound           = errors.New("not found")
	ErrPreconditionFailed = errors.New("precondition failed")
)

type Attrs struct {
	Size        int64
	ContentType string
	ModTime     time.Time
	ETag        string
}

type Store interface {
	Put(ctx context.Context, key string, data []byte, ifNotExists bool) error
	Get(ctx context.Context, key string) ([]byte, error)
	Stat(ctx context.Context, key string) (Attrs, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string, pageToken string) ([]Attrs, string, error)
}`)},
})

func TestBlobStoreInterface(t *testing.T) { harness.Run(t, blobStoreInterface) }
