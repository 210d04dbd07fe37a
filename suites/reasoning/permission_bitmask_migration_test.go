package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var permissionBitmaskMigration = harness.Register(&harness.Task{
	ID:         "permission-bitmask-migration",
	Category:   harness.Reasoning,
	Title:      "Trace bit operations on a permission mask",
	Difficulty: 2,
	MaxTokens:  1024,
	Tags:       []string{"go", "bit-manipulation", "permissions"},
	Prompt: `A role migration script converts legacy permission masks. Before running it on production data, we want to know what it does to a user who had Read and Admin:

` + harness.Fenced("go", `package main

import "fmt"

type Perm uint8

const (
	Read Perm = 1 << iota
	Write
	Delete
	Share
	Admin
)

const Owner = Read | Write | Delete | Share

// migrate converts a legacy permission set to the new role model.
func migrate(p Perm) Perm {
	p |= Owner
	p &^= Delete | Admin
	p ^= Share | Admin
	if p&Admin != 0 {
		p |= Delete
	}
	return p
}

func main() {
	p := migrate(Read | Admin)
	fmt.Printf("%d %05b\n", p, p)
}`) + `

What exactly does the program print? Work through it step by step, then end with a final line of the form
ANSWER: <the printed line>`,
	Capabilities: []string{"iota bit constants", "&^ (AND NOT) and ^ (XOR) on masks", "formats the result in decimal and binary"},
	Reference: `Constants: Read=1 (00001), Write=2 (00010), Delete=4 (00100), Share=8 (01000), Admin=16 (10000); Owner = 1|2|4|8 = 15 (01111).

- start: Read|Admin = 17 (10001)
- p |= Owner → 10001 | 01111 = 11111 (31)
- p &^= Delete|Admin → clear 10100 → 01011 (11: Read, Write, Share)
- p ^= Share|Admin → 01011 ^ 11000 = 10011 (19: Read, Write, Admin)
- Admin is set, so p |= Delete → 10111 (23)

The program prints "23 10111".

ANSWER: 23 10111`,
	Checks:       []harness.Check{harness.FinalAnswer{Want: []string{"23 10111", "23, 10111", "\"23 10111\""}}},
	WrongAnswers: []string{"After the XOR the mask is 10011 = 19.\n\nANSWER: 19 10011"},
})

func TestPermissionBitmaskMigration(t *testing.T) { harness.Run(t, permissionBitmaskMigration) }
