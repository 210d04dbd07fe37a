package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fence = "```"

func TestSplitThinking(t *testing.T) {
	for _, tc := range []struct {
		name, in, answer, thinking string
	}{
		{"none", "just the answer", "just the answer", ""},
		{"think block", "<think>\nlet me see\n</think>\n\nThe answer.", "The answer.", "let me see"},
		{"thinking tag", "<thinking>hmm</thinking>ok", "ok", "hmm"},
		{"opening tag in the template", "first I reason</think>final", "final", "first I reason"},
		{"unclosed: never answered", "<think>still going when cut off", "", "still going when cut off"},
		{"two blocks", "<think>a</think>x<think>b</think>y", "xy", "a\n\nb"},
		{"empty", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, th := SplitThinking(tc.in)
			assert.Equal(t, tc.answer, a)
			assert.Equal(t, tc.thinking, th)
		})
	}
}

func TestGoCode(t *testing.T) {
	code := "package x\n\nfunc F() int { return 1 }"
	for _, tc := range []struct {
		name, in, want string
		err            bool
	}{
		{"go fence", fence + "go\n" + code + "\n" + fence, code + "\n", false},
		{"golang fence", fence + "golang\n" + code + "\n" + fence, code + "\n", false},
		{"untagged fence", fence + "\n" + code + "\n" + fence, code + "\n", false},
		{"tilde fence", "~~~go\n" + code + "\n~~~", code + "\n", false},
		{"prose around", "Here you go:\n\n" + fence + "go\n" + code + "\n" + fence + "\n\nThis returns 1.", code + "\n", false},
		{"several blocks: the largest Go one", fence + "sh\ngo test ./...\n" + fence + "\n" + fence + "go\nx := F()\n" + fence + "\n" + fence + "go\n" + code + "\n" + fence, code + "\n", false},
		{"thinking removed", "<think>" + fence + "go\npackage wrong\n" + fence + "</think>" + fence + "go\n" + code + "\n" + fence, code + "\n", false},
		{"no fences at all", code, code + "\n", false},
		{"truncated open fence", fence + "go\n" + code, code + "\n", false},
		{"indented fence", "1. Code:\n   " + fence + "go\n   package x\n   " + fence, "package x\n", false},
		{"no code", "I cannot help with that.", "", true},
		{"empty", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GoCode(tc.in)
			if tc.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFiles(t *testing.T) {
	in := "Two files:\n\n" +
		fence + "go\n// file: store/store.go\npackage store\n" + fence + "\n\n" +
		"And `cmd/app/main.go`:\n\n" + fence + "go\npackage main\n" + fence + "\n" +
		fence + "go\n// File: ../escape.go\npackage bad\n" + fence
	_, err := Files(in)
	require.ErrorContains(t, err, "escapes")

	files, err := Files(in[:len(in)-len(fence+"go\n// File: ../escape.go\npackage bad\n"+fence)])
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"store/store.go":  "package store\n",
		"cmd/app/main.go": "package main\n",
	}, files)

	_, err = Files("no blocks here")
	assert.Error(t, err)
}

func TestJSONValue(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     any
	}{
		{"json fence", fence + "json\n{\"a\": 1}\n" + fence, map[string]any{"a": 1.0}},
		{"bare", "{\"a\": [1, 2]}", map[string]any{"a": []any{1.0, 2.0}}},
		{"prose around", "Sure! Here it is: {\"ok\": true, \"s\": \"a}b\"} — done.", map[string]any{"ok": true, "s": "a}b"}},
		{"array", "[{\"x\": 1}]", []any{map[string]any{"x": 1.0}}},
		{"thinking first", "<think>{\"draft\": 1}</think>{\"final\": 2}", map[string]any{"final": 2.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := JSONValue(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := JSONValue("no json {here")
	assert.Error(t, err)
}
