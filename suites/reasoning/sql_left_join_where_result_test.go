package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var sqlLeftJoinWhereResult = harness.Register(&harness.Task{
	ID:         "sql-left-join-where-result",
	Category:   harness.Reasoning,
	Title:      "Work out a LEFT JOIN report query's result on a tiny data set",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"sql", "postgresql", "nulls", "joins"},
	Prompt: `A revenue-by-country report looks wrong, and before changing it we want to know exactly what it returns today. PostgreSQL 16, with this data:

    customers                      orders
    id | name | country            id | customer_id | status    | total_cents
    ---+------+--------            ---+-------------+-----------+------------
     1 | Ada  | UK                 10 |           1 | paid      |        5000
     2 | Bob  | US                 11 |           1 | refunded  |        2000
     3 | Cy   | UK                 12 |           2 | paid      |        1500
     4 | Di   | NULL               13 |           3 | cancelled |         700
                                   14 |        NULL | paid      |         900
                                   15 |           2 | paid      |        NULL

The query:

` + harness.Fenced("sql", `SELECT c.country, COUNT(o.id) AS orders, SUM(o.total_cents) AS revenue
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
WHERE o.status = 'paid' OR o.status IS NULL
GROUP BY c.country
ORDER BY c.country;`) + `

What result set does PostgreSQL return? Reason through the join, the filter and the aggregates, then end with a final line giving every row in order, columns separated by "," and rows by "; ", writing SQL NULL as NULL:
ANSWER: <country>,<orders>,<revenue>; <country>,<orders>,<revenue>; ...`,
	Capabilities: []string{"LEFT JOIN followed by a WHERE on the right table", "COUNT(column) and SUM skip NULLs", "PostgreSQL sorts NULLs last in ascending order"},
	Reference: `Join (customer × matching orders; Di has none, order 14 has no customer and never joins):
- Ada/UK: 10 paid 5000; 11 refunded 2000
- Bob/US: 12 paid 1500; 15 paid NULL
- Cy/UK: 13 cancelled 700
- Di/NULL: no order → o.* all NULL

WHERE status = 'paid' OR status IS NULL keeps Ada/10, Bob/12, Bob/15 and Di's NULL row. Cy's only row is cancelled, so it is dropped, and the refunded order 11 is dropped too.

Groups:
- UK: order 10 → COUNT(o.id) = 1, SUM = 5000
- US: orders 12 and 15 → COUNT(o.id) = 2 (both ids are non-NULL), SUM = 1500 (the NULL total is ignored)
- NULL country (Di): COUNT(o.id) = 0, SUM over only NULLs = NULL

ORDER BY country ascending puts NULL last in PostgreSQL.

ANSWER: UK,1,5000; US,2,1500; NULL,0,NULL`,
	Checks: []harness.Check{harness.FinalAnswer{Want: []string{
		"UK,1,5000; US,2,1500; NULL,0,NULL",
		"UK,1,5000;US,2,1500;NULL,0,NULL",
		"UK, 1, 5000; US, 2, 1500; NULL, 0, NULL",
		"UK,1,5000 ; US,2,1500 ; NULL,0,NULL",
	}}},
	WrongAnswers: []string{"COUNT(o.id) skips the NULL total and Di has no row after the filter.\n\nANSWER: UK,1,5000; US,1,1500"},
})

func TestSQLLeftJoinWhereResult(t *testing.T) { harness.Run(t, sqlLeftJoinWhereResult) }
