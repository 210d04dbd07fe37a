package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const phoneFieldContactOld = `package contact

// Contact is one row of the CRM's address book.
type Contact struct {
	Name  string
	Email string
}`

const phoneFieldCodecOld = `package contact

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

var header = []string{"name", "email"}

// WriteCSV writes contacts with a header row.
func WriteCSV(w io.Writer, cs []Contact) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range cs {
		if err := cw.Write([]string{c.Name, c.Email}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads contacts written by WriteCSV or exported by hand from a spreadsheet:
// columns are found by their header name (case-insensitive, any order), unknown
// columns are ignored, and values are trimmed.
func ReadCSV(r io.Reader) ([]Contact, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, name := range header {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("missing column %q", name)
		}
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Contact
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, Contact{Name: get(rec, "name"), Email: get(rec, "email")})
	}
}`

const phoneFieldValidateOld = `package validate

import (
	"errors"
	"fmt"
	"strings"

	"example.com/crm/contact"
)

var (
	ErrName  = errors.New("name is required")
	ErrEmail = errors.New("email is invalid")
)

// Contact reports every problem with c, joined; nil when c is valid.
func Contact(c contact.Contact) error {
	var errs []error
	if strings.TrimSpace(c.Name) == "" {
		errs = append(errs, ErrName)
	}
	if at := strings.IndexByte(c.Email, '@'); at < 1 || at == len(c.Email)-1 {
		errs = append(errs, fmt.Errorf("%w: %q", ErrEmail, c.Email))
	}
	return errors.Join(errs...)
}`

const phoneFieldContactNew = `// file: contact/contact.go
package contact

// Contact is one row of the CRM's address book.
type Contact struct {
	Name  string
	Email string
	Phone string // E.164, e.g. "+4915112345678"; empty when unknown
}`

const phoneFieldCodecNew = `// file: contact/csvcodec.go
package contact

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// header is what WriteCSV writes.
var header = []string{"name", "email", "phone"}

// required are the columns ReadCSV insists on; phone is optional so that files
// exported before it existed still load.
var required = []string{"name", "email"}

// WriteCSV writes contacts with a header row.
func WriteCSV(w io.Writer, cs []Contact) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range cs {
		if err := cw.Write([]string{c.Name, c.Email, c.Phone}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads contacts written by WriteCSV or exported by hand from a spreadsheet:
// columns are found by their header name (case-insensitive, any order), unknown
// columns are ignored, and values are trimmed. The phone column is optional.
func ReadCSV(r io.Reader) ([]Contact, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, name := range required {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("missing column %q", name)
		}
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []Contact
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, Contact{Name: get(rec, "name"), Email: get(rec, "email"), Phone: get(rec, "phone")})
	}
}`

const phoneFieldValidateNew = `// file: validate/contact.go
package validate

import (
	"errors"
	"fmt"
	"strings"

	"example.com/crm/contact"
)

var (
	ErrName  = errors.New("name is required")
	ErrEmail = errors.New("email is invalid")
	ErrPhone = errors.New("phone is invalid")
)

// Contact reports every problem with c, joined; nil when c is valid.
func Contact(c contact.Contact) error {
	var errs []error
	if strings.TrimSpace(c.Name) == "" {
		errs = append(errs, ErrName)
	}
	if at := strings.IndexByte(c.Email, '@'); at < 1 || at == len(c.Email)-1 {
		errs = append(errs, fmt.Errorf("%w: %q", ErrEmail, c.Email))
	}
	if c.Phone != "" && !isE164(c.Phone) {
		errs = append(errs, fmt.Errorf("%w: %q", ErrPhone, c.Phone))
	}
	return errors.Join(errs...)
}

// isE164 reports whether s is "+" followed by 8 to 15 digits.
func isE164(s string) bool {
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || len(digits) < 8 || len(digits) > 15 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}`

var addFieldThroughCSVCodecAndValidator = harness.Register(&harness.Task{
	ID:         "add-field-through-csv-codec-and-validator",
	Category:   harness.MultiFile,
	Title:      "Add an optional phone field through a model, its CSV codec and its validator",
	Difficulty: 2,
	MaxTokens:  2560,
	Tags:       []string{"go", "csv", "validation", "backward-compatibility"},
	Prompt: `The Go module example.com/crm keeps contacts in three files.

contact/contact.go:

` + harness.Fenced("go", phoneFieldContactOld) + `

contact/csvcodec.go:

` + harness.Fenced("go", phoneFieldCodecOld) + `

validate/contact.go:

` + harness.Fenced("go", phoneFieldValidateOld) + `

Add a phone number to contacts, end to end:
- Contact gets a field Phone string.
- WriteCSV writes the columns name,email,phone (in that order), phone empty when unknown.
- ReadCSV reads the phone column when there is one. The column is optional: files exported before this change have only name and email and must still load, with Phone "". name and email stay required.
- validate.Contact accepts an empty Phone; a non-empty Phone must be in E.164 form, "+" followed by 8 to 15 digits and nothing else (no spaces or dashes). Otherwise it reports a new sentinel error ErrPhone (wrapped with the value like ErrEmail, so errors.Is works), alongside any other problems.

Reply with all three files in full, each in its own fenced Go code block whose first line is "// file: <path>" (contact/contact.go, contact/csvcodec.go, validate/contact.go). Standard library only, no tests.`,
	Capabilities: []string{"threads one field consistently through model, codec and validation", "keeps old CSV files readable (optional column)", "validates a phone format exactly"},
	Reference:    harness.Fenced("go", phoneFieldContactNew) + "\n\n" + harness.Fenced("go", phoneFieldCodecNew) + "\n\n" + harness.Fenced("go", phoneFieldValidateNew),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/crm",
		Tests: map[string]string{"crm_test.go": `package crm_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"example.com/crm/contact"
	"example.com/crm/validate"
)

func TestWriteCSVHasPhoneColumn(t *testing.T) {
	var buf bytes.Buffer
	err := contact.WriteCSV(&buf, []contact.Contact{
		{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "+442071234567"},
		{Name: "Alan Turing", Email: "alan@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "name,email,phone\nAda Lovelace,ada@example.com,+442071234567\nAlan Turing,alan@example.com,\n"
	if buf.String() != want {
		t.Errorf("WriteCSV wrote\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestRoundTrip(t *testing.T) {
	in := []contact.Contact{
		{Name: "Grace Hopper", Email: "grace@navy.mil", Phone: "+12025550123"},
		{Name: "Edsger Dijkstra", Email: "ewd@utexas.edu"},
	}
	var buf bytes.Buffer
	if err := contact.WriteCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := contact.ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip gave %+v, want %+v", out, in)
	}
}

func TestReadOldFileWithoutPhone(t *testing.T) {
	out, err := contact.ReadCSV(strings.NewReader("name,email\nAda,ada@example.com\nBob, bob@example.com \n"))
	if err != nil {
		t.Fatalf("old two-column file: %v", err)
	}
	want := []contact.Contact{{Name: "Ada", Email: "ada@example.com"}, {Name: "Bob", Email: "bob@example.com"}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v, want %+v", out, want)
	}
}

func TestReadAnyColumnOrder(t *testing.T) {
	out, err := contact.ReadCSV(strings.NewReader("Phone,Notes,EMAIL,Name\n +4915112345678 ,vip,c@example.com,Carla\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []contact.Contact{{Name: "Carla", Email: "c@example.com", Phone: "+4915112345678"}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v, want %+v", out, want)
	}
}

func TestReadStillRequiresNameAndEmail(t *testing.T) {
	if _, err := contact.ReadCSV(strings.NewReader("name,phone\nAda,+442071234567\n")); err == nil {
		t.Error("a file without an email column must be rejected")
	}
}

func TestValidatePhone(t *testing.T) {
	base := contact.Contact{Name: "Ada", Email: "ada@example.com"}
	for phone, ok := range map[string]bool{
		"":                  true,
		"+4915112345678":    true,
		"+12345678":         true,
		"+123456789012345":  true,
		"+1234567":          false,
		"+1234567890123456": false,
		"4915112345678":     false,
		"+49 151 12345678":  false,
		"+49-151-12345678":  false,
		"+":                 false,
		"+4915112345678x":   false,
	} {
		c := base
		c.Phone = phone
		err := validate.Contact(c)
		if ok && err != nil {
			t.Errorf("phone %q: unexpected error %v", phone, err)
		}
		if !ok && !errors.Is(err, validate.ErrPhone) {
			t.Errorf("phone %q: got %v, want ErrPhone", phone, err)
		}
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	err := validate.Contact(contact.Contact{Name: " ", Email: "nope", Phone: "12"})
	for _, want := range []error{validate.ErrName, validate.ErrEmail, validate.ErrPhone} {
		if !errors.Is(err, want) {
			t.Errorf("got %v, want it to include %v", err, want)
		}
	}
	if err := validate.Contact(contact.Contact{Name: "Ada", Email: "ada@example.com"}); err != nil {
		t.Errorf("valid contact without phone: %v", err)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Makes phone a required column: files exported before the change no longer load.
		harness.Fenced("go", phoneFieldContactNew) + "\n\n" +
			harness.Fenced("go", strings.Replace(phoneFieldCodecNew, "for _, name := range required {", "for _, name := range header {", 1)) + "\n\n" +
			harness.Fenced("go", phoneFieldValidateNew),
		// Treats a missing phone column as index 0 and reads the name as the phone.
		harness.Fenced("go", phoneFieldContactNew) + "\n\n" +
			harness.Fenced("go", strings.Replace(phoneFieldCodecNew, `		i, ok := col[name]
		if !ok || i >= len(rec) {`, `		i := col[name]
		if i >= len(rec) {`, 1)) + "\n\n" +
			harness.Fenced("go", phoneFieldValidateNew),
		// Only the model file: the codec and the validator are missing.
		harness.Fenced("go", phoneFieldContactNew),
	},
})

func TestAddFieldThroughCSVCodecAndValidator(t *testing.T) {
	harness.Run(t, addFieldThroughCSVCodecAndValidator)
}
