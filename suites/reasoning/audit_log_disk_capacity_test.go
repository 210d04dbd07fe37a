package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var auditLogDiskCapacity = harness.Register(&harness.Task{
	ID:         "audit-log-disk-capacity",
	Category:   harness.Reasoning,
	Title:      "Estimate the raw disk an audit-log cluster needs",
	Difficulty: 1,
	MaxTokens:  768,
	Tags:       []string{"capacity-planning", "arithmetic"},
	Prompt: `We are sizing the disks of the audit-log cluster before the next hardware order. The numbers we agreed on:

- 3.2 million audit events per day (the peak-season volume; use it as is)
- 480 bytes per event on disk on average, indexes included
- retention: 90 days, after which events are deleted
- replication factor 3: every event is stored on three nodes
- 30% headroom on top of the replicated data (provision data × 1.3)

Use decimal units (1 GB = 10^9 bytes). How many GB of raw disk must we provision across the whole cluster? Round to the nearest whole GB.

Show the calculation briefly, then end with a final line of the form
ANSWER: <number of GB>`,
	Capabilities: []string{"multiplies rates, sizes and retention correctly", "applies replication and headroom", "keeps units consistent"},
	Reference: `Per day: 3,200,000 events × 480 B = 1,536,000,000 B = 1.536 GB.
Retention: 1.536 GB × 90 days = 138.24 GB.
Replication: 138.24 GB × 3 = 414.72 GB.
Headroom: 414.72 GB × 1.3 = 539.136 GB ≈ 539 GB.

ANSWER: 539`,
	Checks: []harness.Check{harness.FinalAnswer{Want: []string{"539", "539 GB", "539GB", "539 gigabytes"}}},
	WrongAnswers: []string{`3,200,000 × 480 B × 90 days × 3 replicas = 414.72 GB.

ANSWER: 415`},
})

func TestAuditLogDiskCapacity(t *testing.T) { harness.Run(t, auditLogDiskCapacity) }
