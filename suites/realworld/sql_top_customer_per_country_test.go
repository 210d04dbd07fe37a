package realworld

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/harness"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver the check runs queries on
)

// shopSchema is the schema the query is written for; shopData fills it for the check.
const shopSchema = `CREATE TABLE customers (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    country TEXT NOT NULL              -- ISO 3166 alpha-2, e.g. 'SE'
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'cancelled', 'refunded')),
    created_at  TEXT NOT NULL          -- UTC, 'YYYY-MM-DD HH:MM:SS'
);

CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders(id),
    sku              TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)
);`

const shopData = `
INSERT INTO customers VALUES
 (1, 'Astrid Berg', 'SE'), (2, 'Bengt Ek', 'SE'), (3, 'Clara Dahl', 'SE'),
 (4, 'Dieter Braun', 'DE'), (5, 'Anke Vogel', 'DE'),
 (6, 'Émile Roux', 'FR'), (7, 'Fleur Martin', 'FR'),
 (8, 'Greta Holm', 'NO'), (9, 'Hugo Lind', 'FI'), (10, 'Ines Costa', 'PT');
INSERT INTO orders VALUES
 (101, 1, 'shipped',   '2024-03-14 09:12:00'),
 (102, 1, 'shipped',   '2024-11-02 16:40:00'),
 (103, 1, 'pending',   '2024-06-01 10:00:00'),
 (104, 2, 'shipped',   '2024-02-20 11:00:00'),
 (105, 2, 'shipped',   '2024-12-31 18:30:00'),
 (106, 3, 'refunded',  '2024-05-05 12:00:00'),
 (107, 3, 'shipped',   '2024-07-07 07:07:07'),
 (108, 4, 'shipped',   '2024-04-04 10:00:00'),
 (109, 5, 'shipped',   '2024-08-08 08:00:00'),
 (110, 5, 'shipped',   '2024-09-09 09:00:00'),
 (111, 5, 'cancelled', '2024-10-10 10:00:00'),
 (112, 6, 'shipped',   '2024-01-01 00:00:00'),
 (113, 6, 'shipped',   '2025-01-01 00:00:00'),
 (114, 6, 'shipped',   '2023-12-31 23:59:59'),
 (115, 7, 'shipped',   '2024-06-15 15:00:00'),
 (116, 8, 'shipped',   '2024-03-03 03:03:03'),
 (117, 9, 'shipped',   '2023-06-06 06:06:06'),
 (118, 10, 'cancelled', '2024-02-02 02:02:02');
INSERT INTO order_items VALUES
 (101, 'A-100', 2, 15000), (102, 'A-200', 1, 20000), (103, 'A-300', 1, 8000),
 (104, 'B-1', 3, 10000), (104, 'B-2', 1, 15000), (105, 'B-3', 1, 10000),
 (106, 'C-1', 1, 90000), (107, 'C-2', 1, 1000),
 (108, 'D-1', 1, 30000),
 (109, 'E-1', 2, 10000), (110, 'E-2', 1, 10000), (111, 'E-3', 1, 40000),
 (112, 'F-1', 1, 20000), (113, 'F-2', 1, 50000), (114, 'F-3', 1, 40000),
 (115, 'G-1', 5, 5000),
 (116, 'H-1', 2, 1500), (116, 'H-2', 1, 2000),
 (117, 'I-1', 1, 9000),
 (118, 'J-1', 1, 7000);
`

// shopWant is the expected result: columns, then rows in order.
var shopWant = [][]string{
	{"country", "customer_name", "revenue_cents"},
	{"DE", "Dieter Braun", "30000"},
	{"FR", "Fleur Martin", "25000"},
	{"NO", "Greta Holm", "5000"},
	{"SE", "Bengt Ek", "55000"},
}

var sqlTopCustomerPerCountry = harness.Register(&harness.Task{
	ID:         "sql-top-customer-per-country",
	Category:   harness.NonCoding,
	Title:      "Write a SQL query: each country's top customer by 2024 revenue",
	Difficulty: 4,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "sql", "sqlite", "analytics"},
	Prompt: `Our shop's SQLite database has this schema:

` + harness.Fenced("sql", shopSchema) + `

Finance asks: for each country, which customer brought in the most revenue from shipped orders placed in calendar year 2024 (UTC)?

- Revenue of an order is the sum of quantity * unit_price_cents over its items; only orders with status 'shipped' count.
- One row per country that has any such revenue, with the columns country, customer_name, revenue_cents (in that order and with those names).
- If two customers of a country tie, pick the one with the lower customer id.
- Order the rows by country.

Write one SQLite SELECT statement (CTEs and window functions are fine). Reply with the query in one fenced sql code block.`,
	Capabilities: []string{"joins and aggregates across three tables", "gets date-range boundaries right on timestamp strings", "picks a top row per group with a deterministic tie-break"},
	Reference: harness.Fenced("sql", `WITH revenue AS (
    SELECT c.id, c.name, c.country,
           SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
    FROM customers c
    JOIN orders o       ON o.customer_id = c.id
    JOIN order_items oi ON oi.order_id = o.id
    WHERE o.status = 'shipped'
      AND o.created_at >= '2024-01-01'
      AND o.created_at <  '2025-01-01'
    GROUP BY c.id, c.name, c.country
), ranked AS (
    SELECT country, name, revenue_cents,
           ROW_NUMBER() OVER (PARTITION BY country ORDER BY revenue_cents DESC, id ASC) AS rn
    FROM revenue
)
SELECT country, name AS customer_name, revenue_cents
FROM ranked
WHERE rn = 1
ORDER BY country;`),
	Checks: []harness.Check{harness.Func{Label: "query-result", Version: "1", Fn: checkShopQuery}},
	WrongAnswers: []string{
		// BETWEEN on the date part misses orders later on 31 December.
		harness.Fenced("sql", `WITH revenue AS (
    SELECT c.id, c.name, c.country, SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
    FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id
    WHERE o.status = 'shipped' AND o.created_at BETWEEN '2024-01-01' AND '2024-12-31'
    GROUP BY c.id
), ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY country ORDER BY revenue_cents DESC, id) AS rn FROM revenue
)
SELECT country, name AS customer_name, revenue_cents FROM ranked WHERE rn = 1 ORDER BY country;`),
		// Breaks ties by name instead of id.
		harness.Fenced("sql", `WITH revenue AS (
    SELECT c.id, c.name, c.country, SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
    FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id
    WHERE o.status = 'shipped' AND strftime('%Y', o.created_at) = '2024'
    GROUP BY c.id
), ranked AS (
    SELECT *, RANK() OVER (PARTITION BY country ORDER BY revenue_cents DESC, name) AS rn FROM revenue
)
SELECT country, name AS customer_name, revenue_cents FROM ranked WHERE rn = 1 ORDER BY country;`),
		// Counts every order that was not cancelled (refunds and pending orders too).
		harness.Fenced("sql", `SELECT country, customer_name, revenue_cents FROM (
    SELECT c.country, c.name AS customer_name, SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents,
           ROW_NUMBER() OVER (PARTITION BY c.country ORDER BY SUM(oi.quantity * oi.unit_price_cents) DESC, c.id) AS rn
    FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id
    WHERE o.status <> 'cancelled' AND o.created_at >= '2024-01-01' AND o.created_at < '2025-01-01'
    GROUP BY c.id
) WHERE rn = 1 ORDER BY country;`),
	},
})

var (
	sqlForbidden = regexp.MustCompile(`(?i)\b(attach|detach|pragma|vacuum|load_extension)\b`)
	sqlStart     = regexp.MustCompile(`(?i)^\s*(select|with)\b`)
	// Comments are removed before the checks (naively: "--" inside a string literal
	// would be cut too, which no sensible answer to this task needs).
	sqlLineComment  = regexp.MustCompile(`--[^\n]*`)
	sqlBlockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
)

// answerSQL returns the query of an answer: its sql block, else its largest block, else
// the whole answer.
func answerSQL(answer string) string {
	answer, _ = harness.SplitThinking(answer)
	var best string
	for _, b := range harness.CodeBlocks(answer) {
		if b.Lang == "sql" || b.Lang == "sqlite" {
			return b.Code
		}
		if len(b.Code) > len(best) {
			best = b.Code
		}
	}
	if best != "" {
		return best
	}
	return answer
}

// checkShopQuery runs the answer's query on a fresh in-memory SQLite database holding
// shopData and compares its result with shopWant.
func checkShopQuery(ctx context.Context, answer string) harness.CheckResult {
	q := sqlBlockComment.ReplaceAllString(answerSQL(answer), " ")
	q = sqlLineComment.ReplaceAllString(q, "")
	q = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(q), ";"))
	switch {
	case q == "":
		return harness.CheckResult{Detail: "no query in the answer"}
	case !sqlStart.MatchString(q):
		return harness.CheckResult{Detail: "the query must be a single SELECT (or WITH … SELECT) statement"}
	case strings.Contains(q, ";"):
		return harness.CheckResult{Detail: "the answer holds more than one statement"}
	case sqlForbidden.MatchString(q):
		return harness.CheckResult{Detail: "the query uses " + sqlForbidden.FindString(q) + ", which the check does not run"}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return harness.CheckResult{Detail: "open sqlite: " + err.Error()}
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	for _, stmt := range []string{shopSchema, shopData, "PRAGMA query_only = ON"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return harness.CheckResult{Detail: "set up the database: " + err.Error()}
		}
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return harness.CheckResult{Detail: "the query fails: " + err.Error()}
	}
	defer rows.Close()
	got, err := sqlRows(rows)
	if err != nil {
		return harness.CheckResult{Detail: "reading the result: " + err.Error()}
	}
	return compareSQLResult(got, shopWant)
}

// sqlRows reads a result as strings: the column names, then each row.
func sqlRows(rows *sql.Rows) ([][]string, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := [][]string{cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				row[i] = "NULL"
			case []byte:
				row[i] = string(v)
			case float64:
				if v == float64(int64(v)) {
					row[i] = fmt.Sprint(int64(v))
				} else {
					row[i] = fmt.Sprint(v)
				}
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
		if len(out) > 1000 {
			return nil, fmt.Errorf("more than 1000 rows")
		}
	}
	return out, rows.Err()
}

// compareSQLResult compares column names (case-insensitively) and rows, in order.
func compareSQLResult(got, want [][]string) harness.CheckResult {
	if !strings.EqualFold(strings.Join(got[0], ","), strings.Join(want[0], ",")) {
		return harness.CheckResult{Detail: fmt.Sprintf("columns %v, want %v", got[0], want[0])}
	}
	var diffs []string
	ok := 0
	for i := 1; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			diffs = append(diffs, fmt.Sprintf("row %d missing, want %v", i, want[i]))
		case i >= len(want):
			diffs = append(diffs, fmt.Sprintf("unexpected row %d %v", i, got[i]))
		case strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00"):
			diffs = append(diffs, fmt.Sprintf("row %d is %v, want %v", i, got[i], want[i]))
		default:
			ok++
		}
	}
	if len(diffs) > 0 {
		return harness.CheckResult{Score: float64(ok) / float64(max(len(got), len(want))-1), Detail: strings.Join(diffs, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestSQLTopCustomerPerCountry(t *testing.T) { harness.Run(t, sqlTopCustomerPerCountry) }
