package multifile

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const moveHelperReport = `package report

import "fmt"

// DiskLine renders one row of the disk usage report.
func DiskLine(path string, used, total int64) string {
	return fmt.Sprintf("%-20s %10s / %10s", path, formatBytes(used), formatBytes(total))
}

// Summary renders the report's closing line.
func Summary(files int, size int64) string {
	return fmt.Sprintf("%d files, %s", files, formatBytes(size))
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}`

const moveHelperUpload = `package upload

import "fmt"

// TooLargeMessage is the error shown when an upload exceeds the limit.
func TooLargeMessage(size, limit int64) string {
	return fmt.Sprintf("file is %s, the limit is %s", humanSize(size), humanSize(limit))
}

// humanSize is a copy of report's formatBytes.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}`

var moveHelperIntoInternalPackage = harness.Register(&harness.Task{
	ID:         "move-helper-into-internal-package",
	Category:   harness.MultiFile,
	Title:      "Move a duplicated helper into a new internal package and update both callers",
	Difficulty: 1,
	MaxTokens:  1536,
	Tags:       []string{"go", "packages", "refactor", "imports"},
	Prompt: `The Go module example.com/task has two packages that each carry the same byte-formatting helper.

report.go (package report, at the module root):

` + harness.Fenced("go", moveHelperReport) + `

upload/limit.go (package upload):

` + harness.Fenced("go", moveHelperUpload) + `

Move the helper into a new package internal/units (file internal/units/units.go) as the exported function

    func FormatBytes(n int64) string

with exactly the same behaviour, delete formatBytes and humanSize, and make report.go and upload/limit.go call units.FormatBytes (import path "example.com/task/internal/units"). The output of DiskLine, Summary and TooLargeMessage must not change.

Reply with the three files, each in its own fenced Go code block whose first line is "// file: <path>" (internal/units/units.go, report.go, upload/limit.go). No tests.`,
	Capabilities: []string{"moves code into a new package", "updates imports across packages", "preserves behaviour exactly"},
	Reference: harness.Fenced("go", `// file: internal/units/units.go
// Package units formats quantities for humans.
package units

import "fmt"

// FormatBytes renders n bytes with binary units: "512 B", "1.5 KiB", "3.0 MiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}`) + "\n\n" + harness.Fenced("go", `// file: report.go
package report

import (
	"fmt"

	"example.com/task/internal/units"
)

// DiskLine renders one row of the disk usage report.
func DiskLine(path string, used, total int64) string {
	return fmt.Sprintf("%-20s %10s / %10s", path, units.FormatBytes(used), units.FormatBytes(total))
}

// Summary renders the report's closing line.
func Summary(files int, size int64) string {
	return fmt.Sprintf("%d files, %s", files, units.FormatBytes(size))
}`) + "\n\n" + harness.Fenced("go", `// file: upload/limit.go
package upload

import (
	"fmt"

	"example.com/task/internal/units"
)

// TooLargeMessage is the error shown when an upload exceeds the limit.
func TooLargeMessage(size, limit int64) string {
	return fmt.Sprintf("file is %s, the limit is %s", units.FormatBytes(size), units.FormatBytes(limit))
}`),
	Checks: []harness.Check{
		harness.GoTests{
			MultiFile: true,
			Module:    "example.com/task",
			Tests: map[string]string{"report_test.go": `package report_test

import (
	"testing"

	"example.com/task"
	"example.com/task/internal/units"
	"example.com/task/upload"
)

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0:                "0 B",
		1023:             "1023 B",
		1024:             "1.0 KiB",
		1536:             "1.5 KiB",
		1048575:          "1024.0 KiB",
		1048576:          "1.0 MiB",
		5 << 30:          "5.0 GiB",
		1 << 40:          "1.0 TiB",
		3 << 50:          "3.0 PiB",
	} {
		if got := units.FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestReportUnchanged(t *testing.T) {
	if got, want := report.DiskLine("/var/log", 1536, 1<<30), "/var/log                1.5 KiB /    1.0 GiB"; got != want {
		t.Errorf("DiskLine = %q, want %q", got, want)
	}
	if got, want := report.Summary(3, 999), "3 files, 999 B"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

func TestUploadUnchanged(t *testing.T) {
	if got, want := upload.TooLargeMessage(12<<20, 10<<20), "file is 12.0 MiB, the limit is 10.0 MiB"; got != want {
		t.Errorf("TooLargeMessage = %q, want %q", got, want)
	}
}
`},
		},
		harness.GoDeclares{
			MultiFile: true,
			Want:      []string{"FormatBytes", "DiskLine", "Summary", "TooLargeMessage"},
			Forbid:    []string{"formatBytes", "humanSize"},
		},
	},
	WrongAnswers: []string{
		// Off by one in the unit loop: exactly 1 MiB renders as "1024.0 KiB".
		harness.Fenced("go", `// file: internal/units/units.go
package units

import "fmt"

func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m > unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}`) + "\n\n" + harness.Fenced("go", `// file: report.go
package report

import (
	"fmt"

	"example.com/task/internal/units"
)

func DiskLine(path string, used, total int64) string {
	return fmt.Sprintf("%-20s %10s / %10s", path, units.FormatBytes(used), units.FormatBytes(total))
}

func Summary(files int, size int64) string {
	return fmt.Sprintf("%d files, %s", files, units.FormatBytes(size))
}`) + "\n\n" + harness.Fenced("go", `// file: upload/limit.go
package upload

import (
	"fmt"

	"example.com/task/internal/units"
)

func TooLargeMessage(size, limit int64) string {
	return fmt.Sprintf("file is %s, the limit is %s", units.FormatBytes(size), units.FormatBytes(limit))
}`),
		// Only report.go: the new package and the updated upload package are missing.
		harness.Fenced("go", `// file: report.go
package report

import (
	"fmt"

	"example.com/task/internal/units"
)

func DiskLine(path string, used, total int64) string {
	return fmt.Sprintf("%-20s %10s / %10s", path, units.FormatBytes(used), units.FormatBytes(total))
}

func Summary(files int, size int64) string {
	return fmt.Sprintf("%d files, %s", files, units.FormatBytes(size))
}`),
	},
})

func TestMoveHelperIntoInternalPackage(t *testing.T) { harness.Run(t, moveHelperIntoInternalPackage) }
