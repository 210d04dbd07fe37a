package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var csvLineSplitQuoted = harness.Register(&harness.Task{
	ID:         "csv-line-split-quoted",
	Category:   harness.SimpleCoding,
	Title:      "Split one CSV line with quoted fields and custom separator",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"go", "parsing", "csv"},
	Prompt: `Write a Go function that splits one CSV record (a single line, no newline characters) into
fields, in package csvline:

    var (
        ErrQuote        = errors.New("csvline: extraneous or bare quote")
        ErrUnterminated = errors.New("csvline: unterminated quoted field")
    )

    func Split(line string, sep rune) ([]string, error)

Rules (RFC 4180 quoting):
- Fields are separated by sep, which may be any rune other than '"' (',', ';', '\t', '|',
  or a multi-byte rune such as '·').
- A field whose first character is '"' is quoted: it runs to the next '"' that is not
  doubled; inside it, sep is ordinary text and "" stands for one '"'. The quotes are not
  part of the value. After the closing quote the next character must be sep or the end of
  the line, otherwise return ErrQuote.
- A '"' anywhere in an unquoted field is an error: ErrQuote (so  a "b"  and  x"y  are errors).
- A quoted field with no closing quote: ErrUnterminated.
- No trimming: spaces are part of fields (and a space before an opening quote makes the
  field unquoted, hence the quote an error).
- The empty line is one empty field: [""]. "a," is ["a", ""]; ",," is ["", "", ""].
- On error return nil and an error for which errors.Is(err, ErrQuote) or
  errors.Is(err, ErrUnterminated) holds (wrapping it with position details is fine).

Example: Split("42,\"Smith, J.\",\"say \"\"hi\"\"\",", ',') → ["42", "Smith, J.", "say \"hi\"", ""].

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"state-machine parsing", "RFC 4180 quoting and escaped quotes", "error cases with sentinel errors", "rune-aware separators"},
	Reference: harness.Fenced("go", `package csvline

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

var (
	ErrQuote        = errors.New("csvline: extraneous or bare quote")
	ErrUnterminated = errors.New("csvline: unterminated quoted field")
)

// Split splits one CSV record into its fields.
func Split(line string, sep rune) ([]string, error) {
	var fields []string
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			// Quoted field.
			var b strings.Builder
			j := i + 1
			for {
				k := strings.IndexByte(line[j:], '"')
				if k < 0 {
					return nil, fmt.Errorf("field %d starting at byte %d: %w", len(fields)+1, i, ErrUnterminated)
				}
				b.WriteString(line[j : j+k])
				j += k + 1
				if j < len(line) && line[j] == '"' {
					b.WriteByte('"')
					j++
					continue
				}
				break
			}
			fields = append(fields, b.String())
			if j == len(line) {
				return fields, nil
			}
			r, size := utf8.DecodeRuneInString(line[j:])
			if r != sep {
				return nil, fmt.Errorf("byte %d after closing quote: %w", j, ErrQuote)
			}
			i = j + size
			continue
		}
		// Unquoted field: up to the next separator.
		end := strings.IndexRune(line[i:], sep)
		field := line[i:]
		if end >= 0 {
			field = line[i : i+end]
		}
		if q := strings.IndexByte(field, '"'); q >= 0 {
			return nil, fmt.Errorf("byte %d in unquoted field: %w", i+q, ErrQuote)
		}
		fields = append(fields, field)
		if end < 0 {
			return fields, nil
		}
		i += end + utf8.RuneLen(sep)
	}
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "csvline",
		Tests: map[string]string{"csvline_test.go": `package csvline

import (
	"errors"
	"reflect"
	"testing"
)

func check(t *testing.T, line string, sep rune, want []string) {
	t.Helper()
	got, err := Split(line, sep)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Split(%q, %q) = %q, %v; want %q", line, sep, got, err, want)
	}
}

func TestPlain(t *testing.T) {
	check(t, "a,b,c", ',', []string{"a", "b", "c"})
	check(t, "", ',', []string{""})
	check(t, "a,", ',', []string{"a", ""})
	check(t, ",,", ',', []string{"", "", ""})
	check(t, " a , b ", ',', []string{" a ", " b "})
	check(t, "single", ',', []string{"single"})
}

func TestQuoted(t *testing.T) {
	check(t, "42,\"Smith, J.\",\"say \"\"hi\"\"\",", ',', []string{"42", "Smith, J.", "say \"hi\"", ""})
	check(t, "\"\"", ',', []string{""})
	check(t, "\"\",\"\"", ',', []string{"", ""})
	check(t, "\"\"\"\"", ',', []string{"\""})
	check(t, "\"a,b\"", ',', []string{"a,b"})
	check(t, "x,\"\"\"quoted\"\" start\"", ',', []string{"x", "\"quoted\" start"})
	check(t, "\"ends with sep,\",", ',', []string{"ends with sep,", ""})
}

func TestOtherSeparators(t *testing.T) {
	check(t, "a;\"b;c\";d", ';', []string{"a", "b;c", "d"})
	check(t, "a\t\"b\tc\"\t", '\t', []string{"a", "b\tc", ""})
	check(t, "a,b|c", '|', []string{"a,b", "c"})
	check(t, "ü·\"x·y\"·z", '·', []string{"ü", "x·y", "z"})
	check(t, "1·2··", '·', []string{"1", "2", "", ""})
}

func TestQuoteErrors(t *testing.T) {
	for _, line := range []string{"a \"b\"", "x\"y", "\"a\"b", "\"a\" ,b", "a,\"b\"c,d", " \"a\"", "a,b\""} {
		got, err := Split(line, ',')
		if !errors.Is(err, ErrQuote) || got != nil {
			t.Errorf("Split(%q) = %q, %v; want nil, ErrQuote", line, got, err)
		}
	}
}

func TestUnterminated(t *testing.T) {
	for _, line := range []string{"\"abc", "a,\"b,c", "\"a\"\"", "\"", "a,\""} {
		got, err := Split(line, ',')
		if !errors.Is(err, ErrUnterminated) || got != nil {
			t.Errorf("Split(%q) = %q, %v; want nil, ErrUnterminated", line, got, err)
		}
	}
}
`},
	}},
	WrongAnswers: []string{
		// Naive: split on sep, then strip surrounding quotes.
		harness.Fenced("go", `package csvline

import (
	"errors"
	"strings"
)

var (
	ErrQuote        = errors.New("csvline: extraneous or bare quote")
	ErrUnterminated = errors.New("csvline: unterminated quoted field")
)

func Split(line string, sep rune) ([]string, error) {
	parts := strings.Split(line, string(sep))
	for i, p := range parts {
		if strings.HasPrefix(p, "\"") {
			if len(p) < 2 || !strings.HasSuffix(p, "\"") {
				return nil, ErrUnterminated
			}
			p = strings.ReplaceAll(p[1:len(p)-1], "\"\"", "\"")
		} else if strings.Contains(p, "\"") {
			return nil, ErrQuote
		}
		parts[i] = p
	}
	return parts, nil
}`),
		// Handles quoting but treats "" inside a quoted field as the closing quote
		// followed by a new quote, and advances one byte past sep (breaks multi-byte seps).
		harness.Fenced("go", `package csvline

import (
	"errors"
	"strings"
)

var (
	ErrQuote        = errors.New("csvline: extraneous or bare quote")
	ErrUnterminated = errors.New("csvline: unterminated quoted field")
)

func Split(line string, sep rune) ([]string, error) {
	var out []string
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			k := strings.IndexByte(line[i+1:], '"')
			if k < 0 {
				return nil, ErrUnterminated
			}
			out = append(out, line[i+1:i+1+k])
			j := i + 2 + k
			if j == len(line) {
				return out, nil
			}
			if rune(line[j]) != sep {
				return nil, ErrQuote
			}
			i = j + 1
			continue
		}
		end := strings.IndexRune(line[i:], sep)
		f := line[i:]
		if end >= 0 {
			f = line[i : i+end]
		}
		if strings.Contains(f, "\"") {
			return nil, ErrQuote
		}
		out = append(out, f)
		if end < 0 {
			return out, nil
		}
		i += end + 1
	}
}`),
	},
})

func TestCSVLineSplitQuoted(t *testing.T) { harness.Run(t, csvLineSplitQuoted) }
