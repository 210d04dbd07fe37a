package realworld

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// mcpOrdersTypes are the types the list_orders handler is written against.
const mcpOrdersTypes = `package orders

import (
	"context"
	"time"
)

// Order is one order in the store.
type Order struct {
	ID         string
	CustomerID string
	Status     string // "open", "shipped" or "cancelled"
	PlacedAt   time.Time
	TotalCents int64 // always >= 0
}

// Store is the order database the tool reads.
type Store interface {
	OrdersByCustomer(ctx context.Context, customerID string) ([]Order, error)
}

// Content is one item of an MCP tool result; the server marshals it as
// {"type": ..., "text": ...}.
type Content struct {
	Type string
	Text string
}

// ToolResult is the result of an MCP tools/call; the server marshals it as
// {"content": [...], "isError": ...}.
type ToolResult struct {
	Content []Content
	IsError bool
}

// Handler implements the list_orders tool.
type Handler struct {
	Store Store
}
`

// mcpListOrdersReference is the reference handler.
const mcpListOrdersReference = `package orders

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"
)

var customerIDPattern = regexp.MustCompile("^C[0-9]{6}$")

type listOrdersArgs struct {
	customerID string
	status     string
	since      time.Time
	hasSince   bool
	limit      int
}

func invalid(format string, a ...any) *ToolResult {
	return &ToolResult{IsError: true, Content: []Content{{Type: "text", Text: "invalid arguments: " + fmt.Sprintf(format, a...)}}}
}

// parseListOrdersArgs validates raw against the tool's input schema.
func parseListOrdersArgs(raw json.RawMessage) (listOrdersArgs, *ToolResult) {
	args := listOrdersArgs{limit: 10}
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = json.RawMessage("{}")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return args, invalid("arguments must be a JSON object")
	}
	for name := range fields {
		switch name {
		case "customer_id", "status", "since", "limit":
		default:
			return args, invalid("unknown property %q", name)
		}
	}
	str := func(name string) (string, bool, *ToolResult) {
		v, ok := fields[name]
		if !ok {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return "", true, invalid("%s must be a string", name)
		}
		return s, true, nil
	}
	id, ok, bad := str("customer_id")
	if bad != nil {
		return args, bad
	}
	if !ok {
		return args, invalid("customer_id is required")
	}
	if !customerIDPattern.MatchString(id) {
		return args, invalid("customer_id %q does not match ^C[0-9]{6}$", id)
	}
	args.customerID = id
	status, ok, bad := str("status")
	if bad != nil {
		return args, bad
	}
	if ok {
		switch status {
		case "open", "shipped", "cancelled":
			args.status = status
		default:
			return args, invalid("status must be one of open, shipped, cancelled")
		}
	}
	since, ok, bad := str("since")
	if bad != nil {
		return args, bad
	}
	if ok {
		t, err := time.Parse(time.DateOnly, since)
		if err != nil {
			return args, invalid("since must be a date in YYYY-MM-DD form")
		}
		args.since, args.hasSince = t, true
	}
	if v, ok := fields["limit"]; ok {
		n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
		if err != nil {
			return args, invalid("limit must be an integer")
		}
		if n < 1 || n > 50 {
			return args, invalid("limit must be between 1 and 50")
		}
		args.limit = int(n)
	}
	return args, nil
}

// ListOrders implements the list_orders tool.
func (h *Handler) ListOrders(ctx context.Context, raw json.RawMessage) (*ToolResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	args, bad := parseListOrdersArgs(raw)
	if bad != nil {
		return bad, nil
	}
	all, err := h.Store.OrdersByCustomer(ctx, args.customerID)
	if err != nil {
		return &ToolResult{IsError: true, Content: []Content{{Type: "text", Text: "failed to list orders: " + err.Error()}}}, nil
	}
	var matched []Order
	for _, o := range all {
		if args.status != "" && o.Status != args.status {
			continue
		}
		if args.hasSince && o.PlacedAt.Before(args.since) {
			continue
		}
		matched = append(matched, o)
	}
	sort.SliceStable(matched, func(i, j int) bool {
		a, b := matched[i], matched[j]
		if !a.PlacedAt.Equal(b.PlacedAt) {
			return a.PlacedAt.After(b.PlacedAt)
		}
		return a.ID < b.ID
	})
	truncated := len(matched) > args.limit
	if truncated {
		matched = matched[:args.limit]
	}
	orders := []map[string]any{}
	for _, o := range matched {
		orders = append(orders, map[string]any{
			"id":        o.ID,
			"status":    o.Status,
			"placed_at": o.PlacedAt.UTC().Format(time.RFC3339),
			"total":     fmt.Sprintf("%d.%02d", o.TotalCents/100, o.TotalCents%100),
		})
	}
	b, err := json.Marshal(map[string]any{"orders": orders, "truncated": truncated})
	if err != nil {
		return nil, err
	}
	return &ToolResult{Content: []Content{{Type: "text", Text: string(b)}}}, nil
}
`

var mcpListOrdersHandler = harness.Register(&harness.Task{
	ID:         "mcp-list-orders-tool-handler",
	Category:   harness.SimpleCoding,
	Title:      "Implement an MCP tool handler that validates its arguments against the tool's JSON schema",
	Difficulty: 5,
	MaxTokens:  4096,
	Tags:       []string{"real-world", "go", "mcp", "json-schema", "validation"},
	Prompt: `Our Go MCP server exposes an order-lookup tool to AI assistants. Implement its handler.

The tool as advertised in tools/list:

    {
      "name": "list_orders",
      "description": "List a customer's orders, newest first.",
      "inputSchema": {
        "type": "object",
        "properties": {
          "customer_id": {"type": "string", "pattern": "^C[0-9]{6}$", "description": "Customer id, e.g. C004211"},
          "status": {"type": "string", "enum": ["open", "shipped", "cancelled"], "description": "Only orders with this status"},
          "since": {"type": "string", "format": "date", "description": "Only orders placed on or after this date (UTC, YYYY-MM-DD)"},
          "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10, "description": "Maximum number of orders to return"}
        },
        "required": ["customer_id"],
        "additionalProperties": false
      }
    }

The package already has this file (orders/tool.go); do not repeat it:

` + harness.Fenced("go", mcpOrdersTypes) + `

Write, in package orders:

    func (h *Handler) ListOrders(ctx context.Context, args json.RawMessage) (*ToolResult, error)

Behaviour:
- args is the raw "arguments" object of the tools/call request. Validate it against the schema above. Any violation (not an object, a missing or mistyped field, a pattern, enum, date or range violation, a property the schema does not list) returns a ToolResult with IsError true and a single text content "invalid arguments: <reason>", where the reason names the offending property. Do not return a Go error for these: MCP reports tool errors inside the result.
- If ctx is already done when the handler is called, return (nil, ctx.Err()) without calling the store.
- Otherwise load the customer's orders from h.Store. If the store fails, return an error result (IsError true, one text content) whose text includes the store's error message, and a nil Go error.
- Keep the orders that match status (if given) and were placed at or after 00:00 UTC on the since date (if given). Sort newest first (PlacedAt descending, ties by ID ascending) and keep at most limit orders.
- On success return one text content holding a JSON object:
  {"orders": [{"id": "...", "status": "...", "placed_at": "<PlacedAt in UTC, RFC 3339, e.g. 2025-03-04T07:15:00Z>", "total": "<TotalCents as a decimal string with exactly two decimals, e.g. 12.05 for 1205 cents>"}, ...], "truncated": <true if more orders matched than were returned>}
  "orders" is an empty array, not null, when nothing matches.
- Every ToolResult you return holds exactly one Content, with Type "text".

Reply with the complete Go file for the handler (package orders, without the types above) in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"validates JSON arguments against a JSON schema by hand (required, types, pattern, enum, range, additionalProperties)", "follows MCP's convention of reporting tool errors in the result", "handles time zones and money formatting exactly"},
	Reference:    harness.Fenced("go", mcpListOrdersReference),
	Checks: []harness.Check{harness.GoTests{
		Package: "orders",
		Given:   map[string]string{"tool.go": mcpOrdersTypes},
		Tests:   map[string]string{"orders_test.go": mcpListOrdersTests},
	}},
	WrongAnswers: []string{
		// Accepts properties the schema does not list.
		harness.Fenced("go", strings.Replace(mcpListOrdersReference,
			`		default:
			return args, invalid("unknown property %q", name)`, `		default:`, 1)),
		// Compares the since date with the order's local calendar date instead of UTC.
		harness.Fenced("go", strings.Replace(mcpListOrdersReference,
			`args.hasSince && o.PlacedAt.Before(args.since)`,
			`args.hasSince && o.PlacedAt.Format(time.DateOnly) < args.since.Format(time.DateOnly)`, 1)),
		// Formats cents without zero padding: 1205 becomes "12.5".
		harness.Fenced("go", strings.Replace(mcpListOrdersReference, `"%d.%02d"`, `"%d.%d"`, 1)),
	},
})

// mcpListOrdersTests are the hidden tests.
const mcpListOrdersTests = `package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

type fakeStore struct {
	orders []Order
	err    error
	calls  int
}

func (f *fakeStore) OrdersByCustomer(ctx context.Context, customerID string) ([]Order, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	var out []Order
	for _, o := range f.orders {
		if o.CustomerID == customerID {
			out = append(out, o)
		}
	}
	return out, nil
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// twelveOrders are orders 1..12 of C000001, one per day in January 2025, all open.
func twelveOrders() []Order {
	var out []Order
	for i := 1; i <= 12; i++ {
		out = append(out, Order{
			ID: fmt.Sprintf("O-%03d", i), CustomerID: "C000001", Status: "open",
			PlacedAt: time.Date(2025, 1, i, 9, 0, 0, 0, time.UTC), TotalCents: int64(i * 100),
		})
	}
	return out
}

type listed struct {
	IDs       []string
	Orders    []map[string]any
	Truncated bool
}

func call(t *testing.T, h *Handler, args string) (*ToolResult, error) {
	t.Helper()
	return h.ListOrders(context.Background(), json.RawMessage(args))
}

func mustList(t *testing.T, h *Handler, args string) listed {
	t.Helper()
	res, err := call(t, h, args)
	if err != nil {
		t.Fatalf("ListOrders(%s): unexpected Go error %v", args, err)
	}
	if res == nil || res.IsError || len(res.Content) != 1 {
		t.Fatalf("ListOrders(%s) = %+v, want one non-error content item", args, res)
	}
	if res.Content[0].Type != "text" {
		t.Fatalf("content type %q, want text", res.Content[0].Type)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(res.Content[0].Text), &body); err != nil {
		t.Fatalf("content text is not a JSON object: %v\n%s", err, res.Content[0].Text)
	}
	var l listed
	tr, ok := body["truncated"].(bool)
	if !ok {
		t.Fatalf("truncated missing or not a boolean in %s", res.Content[0].Text)
	}
	l.Truncated = tr
	arr, ok := body["orders"].([]any)
	if !ok {
		t.Fatalf("orders missing or not an array in %s", res.Content[0].Text)
	}
	for _, e := range arr {
		m, _ := e.(map[string]any)
		l.Orders = append(l.Orders, m)
		id, _ := m["id"].(string)
		l.IDs = append(l.IDs, id)
	}
	return l
}

func wantInvalid(t *testing.T, h *Handler, args, field string) {
	t.Helper()
	res, err := call(t, h, args)
	if err != nil {
		t.Errorf("ListOrders(%s): Go error %v; invalid arguments must be reported in the result", args, err)
		return
	}
	if res == nil || !res.IsError || len(res.Content) != 1 {
		t.Errorf("ListOrders(%s) = %+v, want an error result with one content item", args, res)
		return
	}
	text := res.Content[0].Text
	if !strings.HasPrefix(text, "invalid arguments: ") || !strings.Contains(text, field) {
		t.Errorf("ListOrders(%s) error text %q, want it to start with \"invalid arguments: \" and name %q", args, text, field)
	}
}

func TestDefaultLimitNewestFirst(t *testing.T) {
	h := &Handler{Store: &fakeStore{orders: twelveOrders()}}
	l := mustList(t, h, "{\"customer_id\": \"C000001\"}")
	want := "O-012 O-011 O-010 O-009 O-008 O-007 O-006 O-005 O-004 O-003"
	if got := strings.Join(l.IDs, " "); got != want || !l.Truncated {
		t.Errorf("got %s truncated=%v, want %s truncated=true", got, l.Truncated, want)
	}
}

func TestExplicitLimitAndTruncated(t *testing.T) {
	h := &Handler{Store: &fakeStore{orders: twelveOrders()}}
	l := mustList(t, h, "{\"customer_id\": \"C000001\", \"limit\": 12}")
	if len(l.IDs) != 12 || l.Truncated {
		t.Errorf("limit 12 of 12: got %d orders truncated=%v, want 12 and false", len(l.IDs), l.Truncated)
	}
	l = mustList(t, h, "{\"customer_id\": \"C000001\", \"limit\": 1}")
	if strings.Join(l.IDs, " ") != "O-012" || !l.Truncated {
		t.Errorf("limit 1: got %v truncated=%v", l.IDs, l.Truncated)
	}
	l = mustList(t, h, "{\"limit\": 50, \"customer_id\": \"C000001\"}")
	if len(l.IDs) != 12 || l.Truncated {
		t.Errorf("limit 50: got %d orders truncated=%v", len(l.IDs), l.Truncated)
	}
}

func TestNoOrdersGivesEmptyArray(t *testing.T) {
	h := &Handler{Store: &fakeStore{orders: twelveOrders()}}
	res, err := call(t, h, "{\"customer_id\": \"C999999\"}")
	if err != nil || res == nil || res.IsError || len(res.Content) != 1 {
		t.Fatalf("got %+v, %v", res, err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(res.Content[0].Text), &body); err != nil {
		t.Fatal(err)
	}
	if arr, ok := body["orders"].([]any); !ok || len(arr) != 0 {
		t.Errorf("orders = %v, want an empty array (not null)", body["orders"])
	}
	if body["truncated"] != false {
		t.Errorf("truncated = %v, want false", body["truncated"])
	}
}

func TestStatusFilterAndFields(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	h := &Handler{Store: &fakeStore{orders: []Order{
		{ID: "A-1", CustomerID: "C004211", Status: "shipped", PlacedAt: at("2025-03-02T10:00:00Z"), TotalCents: 1205},
		{ID: "A-2", CustomerID: "C004211", Status: "open", PlacedAt: at("2025-03-03T10:00:00Z"), TotalCents: 7},
		{ID: "A-3", CustomerID: "C004211", Status: "shipped", PlacedAt: time.Date(2025, 3, 4, 8, 15, 0, 0, berlin), TotalCents: 100000},
		{ID: "A-4", CustomerID: "C004211", Status: "cancelled", PlacedAt: at("2025-03-05T10:00:00Z"), TotalCents: 50},
	}}}
	l := mustList(t, h, "{\"customer_id\": \"C004211\", \"status\": \"shipped\"}")
	if strings.Join(l.IDs, " ") != "A-3 A-1" {
		t.Fatalf("shipped orders %v, want [A-3 A-1]", l.IDs)
	}
	want := []map[string]any{
		{"id": "A-3", "status": "shipped", "placed_at": "2025-03-04T07:15:00Z", "total": "1000.00"},
		{"id": "A-1", "status": "shipped", "placed_at": "2025-03-02T10:00:00Z", "total": "12.05"},
	}
	for i, w := range want {
		for k, v := range w {
			if l.Orders[i][k] != v {
				t.Errorf("order %d: %s = %v, want %v", i, k, l.Orders[i][k], v)
			}
		}
	}
	l = mustList(t, h, "{\"customer_id\": \"C004211\", \"status\": \"open\"}")
	if len(l.Orders) != 1 || l.Orders[0]["total"] != "0.07" {
		t.Errorf("open orders %v, want A-2 with total 0.07", l.Orders)
	}
}

func TestSinceIsInclusiveUTCDate(t *testing.T) {
	stockholm := time.FixedZone("CET", 3600)
	h := &Handler{Store: &fakeStore{orders: []Order{
		{ID: "B-1", CustomerID: "C000002", Status: "open", PlacedAt: at("2025-02-28T23:59:59Z")},
		{ID: "B-2", CustomerID: "C000002", Status: "open", PlacedAt: at("2025-03-01T00:00:00Z")},
		{ID: "B-3", CustomerID: "C000002", Status: "open", PlacedAt: time.Date(2025, 3, 1, 0, 30, 0, 0, stockholm)}, // 2025-02-28T23:30Z
		{ID: "B-4", CustomerID: "C000002", Status: "open", PlacedAt: at("2025-03-10T12:00:00Z")},
	}}}
	l := mustList(t, h, "{\"customer_id\": \"C000002\", \"since\": \"2025-03-01\"}")
	if got := strings.Join(l.IDs, " "); got != "B-4 B-2" {
		t.Errorf("since 2025-03-01: got %s, want B-4 B-2", got)
	}
}

func TestTiesOrderedByID(t *testing.T) {
	same := at("2025-04-01T12:00:00Z")
	h := &Handler{Store: &fakeStore{orders: []Order{
		{ID: "Z-9", CustomerID: "C000003", Status: "open", PlacedAt: same},
		{ID: "Z-1", CustomerID: "C000003", Status: "open", PlacedAt: same},
		{ID: "Z-5", CustomerID: "C000003", Status: "open", PlacedAt: same},
		{ID: "Y-0", CustomerID: "C000003", Status: "open", PlacedAt: at("2025-04-02T00:00:00Z")},
	}}}
	l := mustList(t, h, "{\"customer_id\": \"C000003\"}")
	if got := strings.Join(l.IDs, " "); got != "Y-0 Z-1 Z-5 Z-9" {
		t.Errorf("got %s, want Y-0 Z-1 Z-5 Z-9", got)
	}
}

func TestInvalidArguments(t *testing.T) {
	h := &Handler{Store: &fakeStore{orders: twelveOrders()}}
	cases := []struct{ args, field string }{
		{"{}", "customer_id"},
		{"{\"status\": \"open\"}", "customer_id"},
		{"{\"customer_id\": \"C12345\"}", "customer_id"},
		{"{\"customer_id\": \"c000001\"}", "customer_id"},
		{"{\"customer_id\": \"C0000012\"}", "customer_id"},
		{"{\"customer_id\": 1}", "customer_id"},
		{"{\"customer_id\": \"C000001\", \"status\": \"pending\"}", "status"},
		{"{\"customer_id\": \"C000001\", \"status\": \"Open\"}", "status"},
		{"{\"customer_id\": \"C000001\", \"limit\": 0}", "limit"},
		{"{\"customer_id\": \"C000001\", \"limit\": 51}", "limit"},
		{"{\"customer_id\": \"C000001\", \"limit\": 2.5}", "limit"},
		{"{\"customer_id\": \"C000001\", \"limit\": \"5\"}", "limit"},
		{"{\"customer_id\": \"C000001\", \"since\": \"2025-13-01\"}", "since"},
		{"{\"customer_id\": \"C000001\", \"since\": \"01/03/2025\"}", "since"},
		{"{\"customer_id\": \"C000001\", \"since\": \"2025-03-01T00:00:00Z\"}", "since"},
		{"{\"customer_id\": \"C000001\", \"page\": 2}", "page"},
	}
	for _, c := range cases {
		wantInvalid(t, h, c.args, c.field)
	}
}

func TestNotAnObject(t *testing.T) {
	h := &Handler{Store: &fakeStore{orders: twelveOrders()}}
	for _, args := range []string{"[]", "\"C000001\"", "{\"customer_id\": "} {
		res, err := call(t, h, args)
		if err != nil || res == nil || !res.IsError {
			t.Errorf("ListOrders(%s) = %+v, %v; want an error result", args, res, err)
		}
	}
}

func TestStoreErrorIsToolError(t *testing.T) {
	h := &Handler{Store: &fakeStore{err: errors.New("connection reset by peer")}}
	res, err := call(t, h, "{\"customer_id\": \"C000001\"}")
	if err != nil {
		t.Fatalf("Go error %v; store failures must be reported in the result", err)
	}
	if res == nil || !res.IsError || len(res.Content) != 1 || !strings.Contains(res.Content[0].Text, "connection reset by peer") {
		t.Errorf("got %+v, want an error result mentioning the store error", res)
	}
}

func TestCancelledContext(t *testing.T) {
	store := &fakeStore{orders: twelveOrders()}
	h := &Handler{Store: store}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := h.ListOrders(ctx, json.RawMessage("{\"customer_id\": \"C000001\"}"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %+v, %v; want context.Canceled", res, err)
	}
	if store.calls != 0 {
		t.Errorf("store called %d times after cancellation", store.calls)
	}
}
`

func TestMCPListOrdersHandler(t *testing.T) { harness.Run(t, mcpListOrdersHandler) }

// TestMCPListOrdersWrongAnswersDiffer checks each wrong answer really edits the reference.
func TestMCPListOrdersWrongAnswersDiffer(t *testing.T) {
	for i, w := range mcpListOrdersHandler.WrongAnswers {
		if w == mcpListOrdersHandler.Reference {
			t.Errorf("wrong answer %d is the reference: its edit no longer applies", i)
		}
	}
}
