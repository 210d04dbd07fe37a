package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var goModuleLayoutCLIAndLibrary = harness.Register(&harness.Task{
	ID:         "go-module-layout-cli-and-library",
	Category:   harness.Architecture,
	Title:      "Lay out a Go module that is both a library and a CLI",
	Difficulty: 1,
	MaxTokens:  1536,
	Tags:       []string{"go", "project-layout", "modules"},
	Prompt: `We are starting tabular, a Go project that is two things at once:

- a library other programs import as github.com/acme/tabular: read CSV/TSV into typed tables, filter and join them, write them back;
- a command-line tool, tab, that users install with go install and that is a thin wrapper over the library (flag parsing, reading files, printing).

Constraints:
- one Go module, github.com/acme/tabular;
- helpers such as the type-inference heuristics and the terminal table renderer must not become public API that we have to keep stable;
- the library must not depend on the CLI's flag parsing or on os.Exit;
- we keep golden-file tests with sample CSV files next to the code;
- the version printed by "tab --version" is set at build time.

Propose the directory layout: a tree of directories and main files with one line each on what goes there. Then say, briefly: where main.go lives and what it contains, what goes in internal/ and why, how the version gets in, and the exact go install command users run.`,
	Capabilities: []string{"cmd/<tool> for the binary, library at the module root", "internal/ for non-public helpers", "testdata for golden files", "build-time version via -ldflags or debug.ReadBuildInfo"},
	Reference: `Layout:

    tabular/
    ├── go.mod                  module github.com/acme/tabular
    ├── tabular.go              package tabular: Table, Column, Read/Write entry points (the public API)
    ├── read.go, write.go       CSV/TSV decoding and encoding
    ├── filter.go, join.go      table operations
    ├── *_test.go               unit and golden tests of the public API
    ├── testdata/               sample .csv/.tsv inputs and .golden outputs (ignored by the go tool)
    ├── internal/
    │   ├── infer/              type-inference heuristics used by Read
    │   └── render/             terminal table renderer used by the CLI
    └── cmd/
        └── tab/
            └── main.go         package main: flags, file I/O, exit codes, calls the library

- main.go lives in cmd/tab/. It parses flags (flag or a CLI library), opens files, calls tabular.Read / Filter / Write, renders with internal/render, and maps errors to exit codes; it is the only place that calls os.Exit. Keeping the library at the module root gives importers the short path github.com/acme/tabular.
- internal/ holds infer and render: the Go toolchain refuses imports of internal/ packages from outside github.com/acme/tabular, so they can change freely without breaking anyone. The library imports internal/infer; the CLI imports internal/render. The library never imports cmd/ or flag-parsing code.
- testdata/ holds the golden files; tests compare output to testdata/*.golden and an -update flag rewrites them.
- Version: a package-level var in main (var version = "dev") set with go build -ldflags "-X main.version=v1.4.0" in the release build; when it is still "dev", fall back to runtime/debug.ReadBuildInfo(), which reports the module version for go install ...@v1.4.0.
- Users install with:

      go install github.com/acme/tabular/cmd/tab@latest`,
	Checks: []harness.Check{harness.Contains{All: []string{
		"cmd/tab",
		"internal/",
		"testdata",
		"go install github.com/acme/tabular/cmd/tab@",
		"ldflags|ReadBuildInfo|debug.BuildInfo|-X main.",
	}}},
	WrongAnswers: []string{`Put everything in package main at the root: main.go, table.go, infer.go, render.go. Users run go install github.com/acme/tabular@latest and other programs import github.com/acme/tabular.`},
})

func TestGoModuleLayoutCLIAndLibrary(t *testing.T) { harness.Run(t, goModuleLayoutCLIAndLibrary) }
