package refactoring

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const mimeSwitchOriginal = `package mimetype

import "strings"

// ForExt returns the Content-Type for a file extension, given with or without its
// leading dot and in any case; "application/octet-stream" when the extension is unknown.
func ForExt(ext string) string {
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "html", "htm":
		return "text/html; charset=utf-8"
	case "css":
		return "text/css; charset=utf-8"
	case "js", "mjs":
		return "text/javascript; charset=utf-8"
	case "json":
		return "application/json"
	case "xml":
		return "application/xml"
	case "txt", "text":
		return "text/plain; charset=utf-8"
	case "csv":
		return "text/csv; charset=utf-8"
	case "png":
		return "image/png"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "gif":
		return "image/gif"
	case "svg":
		return "image/svg+xml"
	case "webp":
		return "image/webp"
	case "pdf":
		return "application/pdf"
	case "zip":
		return "application/zip"
	case "gz":
		return "application/gzip"
	case "wasm":
		return "application/wasm"
	default:
		return "application/octet-stream"
	}
}`

// noSwitchInForExt fails when ForExt still contains a switch statement.
var noSwitchInForExt = harness.Func{
	Label:   "no-switch-in-ForExt",
	Version: "1",
	Fn: func(_ context.Context, answer string) harness.CheckResult {
		fail := func(why string) harness.CheckResult {
			return harness.CheckResult{Name: "no-switch-in-ForExt", Detail: why}
		}
		src, err := harness.GoCode(answer)
		if err != nil {
			return fail(err.Error())
		}
		f, err := parser.ParseFile(token.NewFileSet(), "answer.go", src, parser.SkipObjectResolution)
		if err != nil {
			return fail("the Go code does not parse: " + err.Error())
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Name.Name != "ForExt" || fn.Body == nil {
				continue
			}
			found := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n.(type) {
				case *ast.SwitchStmt, *ast.TypeSwitchStmt:
					found = true
				}
				return !found
			})
			if found {
				return fail("ForExt still uses a switch statement")
			}
			return harness.CheckResult{Name: "no-switch-in-ForExt", Passed: true, Score: 1}
		}
		return fail("no func ForExt found")
	},
}

var switchToLookupTable = harness.Register(&harness.Task{
	ID:         "switch-to-lookup-table",
	Category:   harness.Refactoring,
	Title:      "Replace a long switch with a lookup table",
	Difficulty: 1,
	MaxTokens:  1536,
	Tags:       []string{"go", "refactoring", "maps"},
	Prompt: `Refactor this Go file. ForExt maps file extensions to Content-Type values with a long
switch; other code (an upload validator, a sitemap generator) wants to iterate over the
known extensions, so the mapping must become data:

` + harness.Fenced("go", mimeSwitchOriginal) + `

Required result:
- a package-level variable  var byExt map[string]string  holding every extension the switch
  knows, as lower-case keys without the dot ("html", "htm", "jpg", ...), mapped to exactly
  the same Content-Type strings;
- ForExt keeps its signature and behaviour (leading dot optional, any case, the same
  fallback), looks the extension up in byExt, and contains no switch statement.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"replaces control flow with data", "preserves every mapping and the fallback", "keeps input normalisation"},
	Reference: harness.Fenced("go", `package mimetype

import "strings"

// byExt maps lower-case file extensions, without the dot, to their Content-Type.
var byExt = map[string]string{
	"html": "text/html; charset=utf-8",
	"htm":  "text/html; charset=utf-8",
	"css":  "text/css; charset=utf-8",
	"js":   "text/javascript; charset=utf-8",
	"mjs":  "text/javascript; charset=utf-8",
	"json": "application/json",
	"xml":  "application/xml",
	"txt":  "text/plain; charset=utf-8",
	"text": "text/plain; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"png":  "image/png",
	"jpg":  "image/jpeg",
	"jpeg": "image/jpeg",
	"gif":  "image/gif",
	"svg":  "image/svg+xml",
	"webp": "image/webp",
	"pdf":  "application/pdf",
	"zip":  "application/zip",
	"gz":   "application/gzip",
	"wasm": "application/wasm",
}

// ForExt returns the Content-Type for a file extension, given with or without its
// leading dot and in any case; "application/octet-stream" when the extension is unknown.
func ForExt(ext string) string {
	if ct, ok := byExt[strings.ToLower(strings.TrimPrefix(ext, "."))]; ok {
		return ct
	}
	return "application/octet-stream"
}`),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "mimetype",
			Tests: map[string]string{"mimetype_test.go": `package mimetype

import (
	"strings"
	"testing"
)

var want = map[string]string{
	"html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
	"css": "text/css; charset=utf-8",
	"js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
	"json": "application/json", "xml": "application/xml",
	"txt": "text/plain; charset=utf-8", "text": "text/plain; charset=utf-8",
	"csv": "text/csv; charset=utf-8",
	"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
	"svg": "image/svg+xml", "webp": "image/webp",
	"pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
	"wasm": "application/wasm",
}

func TestForExtKnown(t *testing.T) {
	for ext, ct := range want {
		for _, in := range []string{ext, "." + ext, strings.ToUpper(ext), "." + strings.ToUpper(ext[:1]) + ext[1:]} {
			if got := ForExt(in); got != ct {
				t.Errorf("ForExt(%q) = %q, want %q", in, got, ct)
			}
		}
	}
}

func TestForExtUnknown(t *testing.T) {
	for _, in := range []string{"", ".", "exe", ".tar.gz", "..html", "html ", "jpg.", "docx"} {
		if got := ForExt(in); got != "application/octet-stream" {
			t.Errorf("ForExt(%q) = %q, want application/octet-stream", in, got)
		}
	}
}

func TestTableIsComplete(t *testing.T) {
	if len(byExt) != len(want) {
		t.Errorf("byExt has %d entries, want %d", len(byExt), len(want))
	}
	for ext, ct := range want {
		if byExt[ext] != ct {
			t.Errorf("byExt[%q] = %q, want %q", ext, byExt[ext], ct)
		}
	}
	for ext := range byExt {
		if ext != strings.ToLower(ext) || strings.HasPrefix(ext, ".") {
			t.Errorf("byExt key %q: want lower case without a dot", ext)
		}
	}
}
`},
		},
		harness.GoDeclares{Want: []string{"ForExt", "byExt"}},
		noSwitchInForExt,
	},
	WrongAnswers: []string{
		harness.Fenced("go", mimeSwitchOriginal),
		// Table lookup without the normalisation: ".PNG" and "Html" fall through.
		harness.Fenced("go", `package mimetype

var byExt = map[string]string{
	"html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
	"css": "text/css; charset=utf-8",
	"js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
	"json": "application/json", "xml": "application/xml",
	"txt": "text/plain; charset=utf-8", "text": "text/plain; charset=utf-8",
	"csv": "text/csv; charset=utf-8",
	"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
	"svg": "image/svg+xml", "webp": "image/webp",
	"pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
	"wasm": "application/wasm",
}

func ForExt(ext string) string {
	if len(ext) > 0 && ext[0] == '.' {
		ext = ext[1:]
	}
	if ct, ok := byExt[ext]; ok {
		return ct
	}
	return "application/octet-stream"
}`),
	},
})

func TestSwitchToLookupTable(t *testing.T) { harness.Run(t, switchToLookupTable) }
