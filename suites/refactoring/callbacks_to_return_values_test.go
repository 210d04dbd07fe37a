package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const callbacksOriginal = `package importer

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

var (
	ErrFields = errors.New("want 3 fields: sku,qty,price")
	ErrQty    = errors.New("quantity must be a positive integer")
	ErrPrice  = errors.New("price must look like 12.34")
)

// Record is one line of a stock import file.
type Record struct {
	SKU        string
	Qty        int
	PriceCents int64
}

// Scan reads "sku,qty,price" lines from r. Blank lines and lines starting with '#' are
// skipped. Each valid line is passed to onRecord, each invalid one to onError with its
// 1-based line number. Scan returns an error only if reading r fails.
func Scan(r io.Reader, onRecord func(Record), onError func(line int, err error)) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, ",")
		if len(parts) != 3 || strings.TrimSpace(parts[0]) == "" {
			onError(line, ErrFields)
			continue
		}
		qty, err := strconv.Atoi(strings.TrimSpace(parts[1]))
		if err != nil || qty <= 0 {
			onError(line, ErrQty)
			continue
		}
		price, err := parsePrice(strings.TrimSpace(parts[2]))
		if err != nil {
			onError(line, err)
			continue
		}
		onRecord(Record{SKU: strings.TrimSpace(parts[0]), Qty: qty, PriceCents: price})
	}
	return sc.Err()
}

// parsePrice parses "12", "12.3" or "12.34" into cents.
func parsePrice(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || strings.TrimLeft(whole, "0123456789") != "" {
		return 0, ErrPrice
	}
	if hasFrac && (frac == "" || len(frac) > 2 || strings.TrimLeft(frac, "0123456789") != "") {
		return 0, ErrPrice
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, ErrPrice
	}
	return n, nil
}`

const callbacksReference = `package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var (
	ErrFields = errors.New("want 3 fields: sku,qty,price")
	ErrQty    = errors.New("quantity must be a positive integer")
	ErrPrice  = errors.New("price must look like 12.34")
)

// Record is one line of a stock import file.
type Record struct {
	SKU        string
	Qty        int
	PriceCents int64
}

// LineError is an invalid input line.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause (ErrFields, ErrQty or ErrPrice).
func (e *LineError) Unwrap() error { return e.Err }

// Parse reads "sku,qty,price" lines from r. Blank lines and lines starting with '#' are
// skipped. It returns the valid records and the invalid lines, both in input order; err
// is non-nil only if reading r fails, and then holds what was parsed before the failure.
func Parse(r io.Reader) (records []Record, bad []*LineError, err error) {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		rec, err := parseLine(text)
		if err != nil {
			bad = append(bad, &LineError{Line: line, Err: err})
			continue
		}
		records = append(records, rec)
	}
	return records, bad, sc.Err()
}

// parseLine parses one non-blank, non-comment line.
func parseLine(text string) (Record, error) {
	parts := strings.Split(text, ",")
	if len(parts) != 3 || strings.TrimSpace(parts[0]) == "" {
		return Record{}, ErrFields
	}
	qty, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil || qty <= 0 {
		return Record{}, ErrQty
	}
	price, err := parsePrice(strings.TrimSpace(parts[2]))
	if err != nil {
		return Record{}, err
	}
	return Record{SKU: strings.TrimSpace(parts[0]), Qty: qty, PriceCents: price}, nil
}

// parsePrice parses "12", "12.3" or "12.34" into cents.
func parsePrice(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || strings.TrimLeft(whole, "0123456789") != "" {
		return 0, ErrPrice
	}
	if hasFrac && (frac == "" || len(frac) > 2 || strings.TrimLeft(frac, "0123456789") != "") {
		return 0, ErrPrice
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, ErrPrice
	}
	return n, nil
}`

var callbacksToReturnValues = harness.Register(&harness.Task{
	ID:         "callbacks-to-return-values",
	Category:   harness.Refactoring,
	Title:      "Convert a callback-based parser to one that returns its results",
	Difficulty: 3,
	MaxTokens:  2560,
	Tags:       []string{"go", "refactoring", "api-design", "errors", "parsing"},
	Prompt: `Every caller of Scan below builds two slices inside closures just to get the results back.
Refactor the API to return them instead:

` + harness.Fenced("go", callbacksOriginal) + `

Required API after the change (package importer; Scan is removed):

    // LineError is an invalid input line.
    type LineError struct {
        Line int   // 1-based line number in the input, counting blank and comment lines
        Err  error // ErrFields, ErrQty or ErrPrice
    }
    func (e *LineError) Error() string // "line 3: quantity must be a positive integer"
    func (e *LineError) Unwrap() error // e.Err, so errors.Is(lineErr, ErrQty) works

    // Parse returns the valid records and the invalid lines, both in input order. err is
    // non-nil only if reading r fails; records and line errors parsed before the failure
    // are still returned with it.
    func Parse(r io.Reader) (records []Record, bad []*LineError, err error)

Keep Record, the three sentinel errors, the parsing rules (trimming, skipping, which error
each bad line gets, price parsing) and the line numbering exactly as they are.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"turns callbacks into return values", "designs an error type with Unwrap", "preserves line numbering and partial results on failure"},
	Reference:    harness.Fenced("go", callbacksReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "importer",
			Tests: map[string]string{"importer_test.go": `package importer

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

const input = "# stock import\n" +
	"A-1, 3, 12.34\n" +
	"\n" +
	"B-2,0,1.00\n" +
	"   # indented comment\n" +
	"C-3,2,7\n" +
	"D-4,1,7.5\n" +
	"E-5,1\n" +
	",1,1.00\n" +
	"F-6,1,1.234\n" +
	"G-7,x,1\n" +
	"H-8,4,.50\n" +
	"I-9,5,0.05"

func TestParse(t *testing.T) {
	recs, bad, err := Parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{"A-1", 3, 1234}, {"C-3", 2, 700}, {"D-4", 1, 750}, {"I-9", 5, 5}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records = %v, want %v", recs, want)
	}
	type lb struct {
		line int
		err  error
	}
	wantBad := []lb{{4, ErrQty}, {8, ErrFields}, {9, ErrFields}, {10, ErrPrice}, {11, ErrQty}, {12, ErrPrice}}
	if len(bad) != len(wantBad) {
		t.Fatalf("got %d bad lines, want %d: %v", len(bad), len(wantBad), bad)
	}
	for i, w := range wantBad {
		if bad[i].Line != w.line || !errors.Is(bad[i], w.err) || bad[i].Err != w.err {
			t.Errorf("bad[%d] = line %d %v, want line %d %v", i, bad[i].Line, bad[i].Err, w.line, w.err)
		}
	}
}

func TestLineErrorText(t *testing.T) {
	e := &LineError{Line: 3, Err: ErrQty}
	if e.Error() != "line 3: quantity must be a positive integer" {
		t.Errorf("Error() = %q", e.Error())
	}
	var err error = e
	var le *LineError
	if !errors.As(fmt.Errorf("import: %w", err), &le) || le.Line != 3 {
		t.Error("errors.As failed")
	}
	if !errors.Is(err, ErrQty) {
		t.Error("errors.Is(LineError, ErrQty) = false")
	}
}

func TestEmptyInput(t *testing.T) {
	recs, bad, err := Parse(strings.NewReader(""))
	if len(recs) != 0 || len(bad) != 0 || err != nil {
		t.Errorf("Parse(\"\") = %v, %v, %v", recs, bad, err)
	}
}

type failingReader struct {
	data string
	done bool
}

func (f *failingReader) Read(p []byte) (int, error) {
	if !f.done {
		f.done = true
		return copy(p, f.data), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func TestReadFailureKeepsPartialResults(t *testing.T) {
	recs, bad, err := Parse(&failingReader{data: "A-1,1,1\nB-2,0,1\nC-3,2,2\n"})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if len(recs) != 2 || recs[1].SKU != "C-3" || len(bad) != 1 || bad[0].Line != 2 {
		t.Errorf("partial results: %v, %v", recs, bad)
	}
}
`},
		},
		harness.GoDeclares{
			Want:   []string{"Parse", "LineError", "LineError.Error", "LineError.Unwrap", "Record", "ErrFields", "ErrQty", "ErrPrice"},
			Forbid: []string{"Scan"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", callbacksOriginal),
		// Counts only the lines it parses, so line numbers drift after blanks and comments,
		// and drops the partial results when reading fails.
		harness.Fenced("go", strings.NewReplacer(
			"		line++\n		text := strings.TrimSpace(sc.Text())\n		if text == \"\" || strings.HasPrefix(text, \"#\") {\n			continue\n		}\n",
			"		text := strings.TrimSpace(sc.Text())\n		if text == \"\" || strings.HasPrefix(text, \"#\") {\n			continue\n		}\n		line++\n",
			"	return records, bad, sc.Err()",
			"	if err := sc.Err(); err != nil {\n		return nil, nil, err\n	}\n	return records, bad, nil",
		).Replace(callbacksReference)),
	},
})

func TestCallbacksToReturnValues(t *testing.T) { harness.Run(t, callbacksToReturnValues) }
