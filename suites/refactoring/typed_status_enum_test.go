package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const statusEnumOriginal = `package orders

import "fmt"

// Order statuses, as stored in the orders.status column and sent by the API.
const (
	StatusPending   = "pending"
	StatusPaid      = "paid"
	StatusShipped   = "shipped"
	StatusCancelled = "cancelled"
)

// Order is an order as the API returns it: {"ID":"o1","Status":"paid"}.
type Order struct {
	ID     string
	Status string
}

// Advance moves an order one step along pending → paid → shipped.
func (o *Order) Advance() error {
	switch o.Status {
	case StatusPending:
		o.Status = StatusPaid
	case StatusPaid:
		o.Status = StatusShipped
	default:
		return fmt.Errorf("order %s: cannot advance from %q", o.ID, o.Status)
	}
	return nil
}

// Cancel cancels a pending or paid order.
func (o *Order) Cancel() error {
	if o.Status != StatusPending && o.Status != StatusPaid {
		return fmt.Errorf("order %s: cannot cancel from %q", o.ID, o.Status)
	}
	o.Status = StatusCancelled
	return nil
}`

const statusEnumReference = `package orders

import "fmt"

// Status is the lifecycle state of an order.
type Status int

// Order statuses. The zero value is StatusUnknown, never a valid stored status.
const (
	StatusUnknown Status = iota
	StatusPending
	StatusPaid
	StatusShipped
	StatusCancelled
)

var statusNames = [...]string{
	StatusUnknown:   "unknown",
	StatusPending:   "pending",
	StatusPaid:      "paid",
	StatusShipped:   "shipped",
	StatusCancelled: "cancelled",
}

// String returns the status's name as stored in the database and sent by the API.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// ParseStatus parses the name of one of the four real statuses.
func ParseStatus(name string) (Status, error) {
	for s := StatusPending; s <= StatusCancelled; s++ {
		if statusNames[s] == name {
			return s, nil
		}
	}
	return StatusUnknown, fmt.Errorf("orders: unknown status %q", name)
}

func (s Status) valid() bool { return s >= StatusPending && s <= StatusCancelled }

// MarshalText encodes a real status as its name, so JSON keeps carrying "paid".
func (s Status) MarshalText() ([]byte, error) {
	if !s.valid() {
		return nil, fmt.Errorf("orders: cannot encode invalid status %s", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Order is an order as the API returns it: {"ID":"o1","Status":"paid"}.
type Order struct {
	ID     string
	Status Status
}

// Advance moves an order one step along pending → paid → shipped.
func (o *Order) Advance() error {
	switch o.Status {
	case StatusPending:
		o.Status = StatusPaid
	case StatusPaid:
		o.Status = StatusShipped
	default:
		return fmt.Errorf("order %s: cannot advance from %q", o.ID, o.Status.String())
	}
	return nil
}

// Cancel cancels a pending or paid order.
func (o *Order) Cancel() error {
	if o.Status != StatusPending && o.Status != StatusPaid {
		return fmt.Errorf("order %s: cannot cancel from %q", o.ID, o.Status.String())
	}
	o.Status = StatusCancelled
	return nil
}`

var typedStatusEnum = harness.Register(&harness.Task{
	ID:         "typed-status-enum",
	Category:   harness.Refactoring,
	Title:      "Replace string-typed order statuses with a typed enum",
	Difficulty: 2,
	MaxTokens:  2048,
	Tags:       []string{"go", "refactoring", "enums", "json"},
	Prompt: `Order statuses are plain strings today, and typos like Status = "payed" keep slipping
through review. Refactor this file to a typed enum:

` + harness.Fenced("go", statusEnumOriginal) + `

Required API after the change (package orders):

    type Status int
    const (
        StatusUnknown Status = iota // the zero value; not a real status
        StatusPending
        StatusPaid
        StatusShipped
        StatusCancelled
    )
    func (s Status) String() string              // "unknown", "pending", "paid", "shipped", "cancelled"; other values "Status(N)", e.g. "Status(9)"
    func ParseStatus(name string) (Status, error) // exact names of the four real statuses; anything else (including "unknown", "PAID") is an error
    func (s Status) MarshalText() ([]byte, error) // the name; an error for anything but the four real statuses
    func (s *Status) UnmarshalText(b []byte) error // via ParseStatus

    type Order struct {
        ID     string
        Status Status
    }
    func (o *Order) Advance() error
    func (o *Order) Cancel() error

Behaviour to keep: the transitions and their error messages (the status is quoted by
name, e.g. order o1: cannot advance from "shipped"), and the JSON form of an Order —
json.Marshal(Order{ID: "o1", Status: StatusPaid}) must still give {"ID":"o1","Status":"paid"},
and that JSON must decode back to the same Order.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"typed enums with iota and String()", "preserves the wire format with encoding.TextMarshaler", "value vs pointer receivers"},
	Reference:    harness.Fenced("go", statusEnumReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "orders",
			Tests: map[string]string{"orders_test.go": `package orders

import (
	"encoding/json"
	"testing"
)

func TestString(t *testing.T) {
	for s, want := range map[Status]string{StatusUnknown: "unknown", StatusPending: "pending", StatusPaid: "paid",
		StatusShipped: "shipped", StatusCancelled: "cancelled", Status(9): "Status(9)", Status(-1): "Status(-1)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), got, want)
		}
	}
	var zero Status
	if zero != StatusUnknown {
		t.Error("the zero Status is not StatusUnknown")
	}
}

func TestParseStatus(t *testing.T) {
	for name, want := range map[string]Status{"pending": StatusPending, "paid": StatusPaid, "shipped": StatusShipped, "cancelled": StatusCancelled} {
		if got, err := ParseStatus(name); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %v, %v", name, got, err)
		}
	}
	for _, name := range []string{"", "unknown", "PAID", "payed", " paid", "Status(9)"} {
		if _, err := ParseStatus(name); err == nil {
			t.Errorf("ParseStatus(%q) gave no error", name)
		}
	}
}

func TestJSONWireFormat(t *testing.T) {
	b, err := json.Marshal(Order{ID: "o1", Status: StatusPaid})
	if err != nil || string(b) != "{\"ID\":\"o1\",\"Status\":\"paid\"}" {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var o Order
	if err := json.Unmarshal([]byte("{\"ID\":\"o2\",\"Status\":\"shipped\"}"), &o); err != nil || o != (Order{ID: "o2", Status: StatusShipped}) {
		t.Errorf("json.Unmarshal = %+v, %v", o, err)
	}
	if err := json.Unmarshal([]byte("{\"ID\":\"o3\",\"Status\":\"payed\"}"), &o); err == nil {
		t.Error("decoding an unknown status gave no error")
	}
	if _, err := json.Marshal(Order{ID: "o4"}); err == nil {
		t.Error("encoding StatusUnknown gave no error")
	}
	list, err := json.Marshal([]Order{{ID: "a", Status: StatusPending}, {ID: "b", Status: StatusCancelled}})
	if err != nil || string(list) != "[{\"ID\":\"a\",\"Status\":\"pending\"},{\"ID\":\"b\",\"Status\":\"cancelled\"}]" {
		t.Errorf("json.Marshal(list) = %s, %v", list, err)
	}
}

func TestAdvance(t *testing.T) {
	o := &Order{ID: "o1", Status: StatusPending}
	if err := o.Advance(); err != nil || o.Status != StatusPaid {
		t.Fatalf("pending → %v, %v", o.Status, err)
	}
	if err := o.Advance(); err != nil || o.Status != StatusShipped {
		t.Fatalf("paid → %v, %v", o.Status, err)
	}
	err := o.Advance()
	if err == nil || err.Error() != "order o1: cannot advance from \"shipped\"" || o.Status != StatusShipped {
		t.Errorf("advancing a shipped order: %v", err)
	}
	c := &Order{ID: "o9", Status: StatusCancelled}
	if err := c.Advance(); err == nil || err.Error() != "order o9: cannot advance from \"cancelled\"" {
		t.Errorf("advancing a cancelled order: %v", err)
	}
}

func TestCancel(t *testing.T) {
	for _, s := range []Status{StatusPending, StatusPaid} {
		o := &Order{ID: "x", Status: s}
		if err := o.Cancel(); err != nil || o.Status != StatusCancelled {
			t.Errorf("cancel from %v: %v, %v", s, o.Status, err)
		}
	}
	o := &Order{ID: "o5", Status: StatusShipped}
	if err := o.Cancel(); err == nil || err.Error() != "order o5: cannot cancel from \"shipped\"" || o.Status != StatusShipped {
		t.Errorf("cancel from shipped: %v", err)
	}
}
`},
		},
		harness.GoDeclares{
			Want: []string{"Status", "Status.String", "Status.MarshalText", "Status.UnmarshalText", "ParseStatus",
				"StatusUnknown", "StatusPending", "StatusPaid", "StatusShipped", "StatusCancelled", "Order", "Order.Advance", "Order.Cancel"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", statusEnumOriginal),
		// MarshalText on the pointer receiver: json.Marshal(Order{...}) emits the number.
		harness.Fenced("go", strings.Replace(statusEnumReference,
			"func (s Status) MarshalText() ([]byte, error) {\n	if !s.valid() {",
			"func (s *Status) MarshalText() ([]byte, error) {\n	if !s.valid() {", 1)),
	},
})

func TestTypedStatusEnum(t *testing.T) { harness.Run(t, typedStatusEnum) }
