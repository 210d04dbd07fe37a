package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const ledgerCode = `package ledger

import (
	"fmt"
	"sync"
)

type Account struct {
	id      int
	mu      sync.Mutex
	balance int64
	frozen  bool
}

type Bank struct {
	mu       sync.Mutex
	accounts map[int]*Account
	journal  []string
}

func (b *Bank) record(format string, args ...any) {
	b.mu.Lock()
	b.journal = append(b.journal, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

// Open registers a new account.
func (b *Bank) Open(id int) *Account {
	a := &Account{id: id}
	b.mu.Lock()
	b.accounts[id] = a
	b.mu.Unlock()
	b.record("open %d", id)
	return a
}

// Transfer moves amount between two accounts, locking them in id order.
func (b *Bank) Transfer(from, to *Account, amount int64) error {
	if from == to {
		return fmt.Errorf("transfer to self")
	}
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	second.mu.Lock()
	if from.frozen || to.frozen || from.balance < amount {
		second.mu.Unlock()
		first.mu.Unlock()
		return fmt.Errorf("transfer refused")
	}
	from.balance -= amount
	to.balance += amount
	second.mu.Unlock()
	first.mu.Unlock()
	b.record("transfer %d -> %d: %d", from.id, to.id, amount)
	return nil
}

// Deposit adds amount to a and journals it.
func (b *Bank) Deposit(a *Account, amount int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance += amount
	b.record("deposit %d: %d", a.id, amount)
}

// Freeze blocks an account.
func (b *Bank) Freeze(a *Account) {
	a.mu.Lock()
	a.frozen = true
	a.mu.Unlock()
	b.record("freeze %d", a.id)
}

// Audit sums every balance while no account can be opened.
func (b *Bank) Audit() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var total int64
	for _, a := range b.accounts {
		a.mu.Lock()
		total += a.balance
		a.mu.Unlock()
	}
	return total
}

// Journal returns a copy of the journal.
func (b *Bank) Journal() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.journal...)
}`

var lockOrderingDeadlockPair = harness.Register(&harness.Task{
	ID:         "lock-ordering-deadlock-pair",
	Category:   harness.Reasoning,
	Title:      "Name the two methods that can deadlock each other",
	Difficulty: 4,
	MaxTokens:  1536,
	Tags:       []string{"go", "concurrency", "mutex", "deadlock"},
	Prompt: `A service using this package hangs about once a week under load; a goroutine dump shows goroutines blocked in sync.Mutex.Lock and nothing else moving.

` + harness.Fenced("go", ledgerCode) + `

Every exported method may be called from many goroutines at once. Which two methods, each running in its own goroutine, can deadlock each other? (Exactly one pair can.) Explain the lock order that makes the cycle, then end with a final line naming the two methods in alphabetical order:
ANSWER: <Method> and <Method>`,
	Capabilities: []string{"tracks which locks are held across calls (defer, helper methods)", "finds a lock-order inversion between two code paths", "rules out the safe look-alikes"},
	Reference: `Deposit takes a.mu and keeps it until it returns (defer), and while holding it calls b.record, which takes b.mu: order account → bank.

Audit takes b.mu (held until return) and then each account's a.mu in turn: order bank → account.

If Deposit(a) holds a.mu and waits for b.mu while Audit holds b.mu and waits for a.mu, neither can proceed: a lock-order inversion.

The look-alikes are safe: Transfer locks two accounts in id order (no account–account cycle) and releases both before calling record; Freeze releases a.mu before record; Open releases b.mu before calling record (which takes it again, not nested); Journal only takes b.mu.

ANSWER: Audit and Deposit`,
	Checks: []harness.Check{harness.FinalAnswer{Want: []string{
		"Audit and Deposit", "Audit, Deposit", "Audit & Deposit", "Audit + Deposit", "Audit/Deposit",
		"Bank.Audit and Bank.Deposit", "Audit() and Deposit()", "Deposit and Audit",
	}}},
	WrongAnswers: []string{"Two transfers in opposite directions lock the two accounts in opposite orders.\n\nANSWER: Transfer and Transfer"},
})

func TestLockOrderingDeadlockPair(t *testing.T) { harness.Run(t, lockOrderingDeadlockPair) }
