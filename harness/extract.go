package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// thinkTags are the tag pairs models use to wrap reasoning inside the answer text.
var thinkTags = [][2]string{{"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"<reasoning>", "</reasoning>"}}

// SplitThinking separates reasoning a model wrote inline (<think>…</think> and the like)
// from its answer. Reasoning is recorded, never graded as the answer. An answer that
// starts mid-reasoning (the opening tag was in the prompt template) is handled, and an
// unclosed tag makes the rest of the text reasoning: the model never answered.
func SplitThinking(s string) (answer, thinking string) {
	var th []string
	for _, tag := range thinkTags {
		open, close := tag[0], tag[1]
		// A closing tag with no opening one before it: everything up to it is reasoning.
		if c := strings.Index(s, close); c >= 0 && !strings.Contains(s[:c], open) {
			th = append(th, strings.TrimSpace(s[:c]))
			s = s[c+len(close):]
		}
		for {
			o := strings.Index(s, open)
			if o < 0 {
				break
			}
			rest := s[o+len(open):]
			c := strings.Index(rest, close)
			if c < 0 {
				th = append(th, strings.TrimSpace(rest))
				s = s[:o]
				break
			}
			th = append(th, strings.TrimSpace(rest[:c]))
			s = s[:o] + rest[c+len(close):]
		}
	}
	return strings.TrimSpace(s), strings.Join(th, "\n\n")
}

// Block is one fenced code block of an answer.
type Block struct {
	Lang string // the fence's language tag, lower-cased ("" when none)
	Code string
	// Before is the last non-empty line of prose before the block, where answers often
	// name the file that follows.
	Before string
}

var fenceOpen = regexp.MustCompile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*)[^`]*$")

// CodeBlocks returns the fenced code blocks of s in order. Fences of ``` or ~~~ with or
// without a language tag are recognised; a block left open by a truncated answer runs to
// the end.
func CodeBlocks(s string) []Block {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var blocks []Block
	var before string
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			if t := strings.TrimSpace(lines[i]); t != "" {
				before = t
			}
			continue
		}
		indent, fence, lang := m[1], m[2], strings.ToLower(m[3])
		var body []string
		j := i + 1
		for ; j < len(lines); j++ {
			t := strings.TrimPrefix(lines[j], indent)
			if strings.HasPrefix(strings.TrimSpace(t), fence[:3]) && strings.TrimSpace(strings.Trim(strings.TrimSpace(t), fence[:1])) == "" {
				break
			}
			body = append(body, t)
		}
		blocks = append(blocks, Block{Lang: lang, Code: strings.Join(body, "\n"), Before: before})
		before = ""
		i = j
	}
	return blocks
}

// goLangs are the fence tags that mean Go.
var goLangs = map[string]bool{"go": true, "golang": true}

// GoCode returns the Go source in an answer: the largest block tagged Go, else the
// largest untagged block that looks like Go, else — for answers with no fences at
// all — the text from its package clause on.
func GoCode(answer string) (string, error) {
	answer, _ = SplitThinking(answer)
	var best string
	for _, pass := range []func(Block) bool{
		func(b Block) bool { return goLangs[b.Lang] },
		func(b Block) bool { return b.Lang == "" && looksLikeGo(b.Code) },
	} {
		for _, b := range CodeBlocks(answer) {
			if pass(b) && len(b.Code) > len(best) {
				best = b.Code
			}
		}
		if best != "" {
			return best + "\n", nil
		}
	}
	if i := strings.Index(answer, "package "); i >= 0 && (i == 0 || answer[i-1] == '\n') && !strings.Contains(answer, "```") {
		return answer[i:] + "\n", nil
	}
	return "", errors.New("no Go code found in the answer (expected a ```go fenced block)")
}

var goShape = regexp.MustCompile(`(?m)^(package \w+|func |import |type \w+ )`)

func looksLikeGo(code string) bool { return goShape.MatchString(code) }

// fileMarker matches a first line naming the file: "// file: a/b.go", "# file: x.py".
var fileMarker = regexp.MustCompile(`^\s*(?://|#|--|;)\s*(?i:file(?:name)?|path)\s*:\s*(\S+)\s*$`)

// pathInProse matches a file path named in the line before a block: "`cmd/x/main.go`:",
// "### internal/store.go", "**store.go**".
var pathInProse = regexp.MustCompile("([A-Za-z0-9_.\\-]+(?:/[A-Za-z0-9_.\\-]+)*\\.[A-Za-z0-9]+)")

// Files splits a multi-file answer into files by the path markers the prompt asks for:
// a first line "// file: path" inside each block, or the path named on the line just
// before the block. Paths must be relative and stay inside the answer's tree.
func Files(answer string) (map[string]string, error) {
	answer, _ = SplitThinking(answer)
	files := map[string]string{}
	for _, b := range CodeBlocks(answer) {
		lines := strings.SplitN(b.Code, "\n", 2)
		var name, body string
		if m := fileMarker.FindStringSubmatch(lines[0]); m != nil {
			name = m[1]
			if len(lines) > 1 {
				body = lines[1]
			}
		} else if m := pathInProse.FindAllString(b.Before, -1); len(m) > 0 {
			name, body = m[len(m)-1], b.Code
		} else {
			continue
		}
		clean := path.Clean(strings.Trim(name, "`*\"'"))
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("file %q in the answer escapes the answer's tree", name)
		}
		files[clean] = strings.TrimRight(body, "\n") + "\n"
	}
	if len(files) == 0 {
		return nil, errors.New("no files found in the answer: expected code blocks whose first line is \"// file: <path>\"")
	}
	return files, nil
}

// JSONValue extracts the JSON value an answer gives: a ```json block, else any block
// that parses, else the first balanced {…} or […] in the text that parses.
func JSONValue(answer string) (any, error) {
	answer, _ = SplitThinking(answer)
	var candidates []string
	blocks := CodeBlocks(answer)
	for _, b := range blocks {
		if b.Lang == "json" {
			candidates = append(candidates, b.Code)
		}
	}
	for _, b := range blocks {
		if b.Lang != "json" {
			candidates = append(candidates, b.Code)
		}
	}
	candidates = append(candidates, balancedSpans(answer)...)
	for _, c := range candidates {
		var v any
		if err := json.Unmarshal([]byte(strings.TrimSpace(c)), &v); err == nil {
			switch v.(type) {
			case map[string]any, []any:
				return v, nil
			}
		}
	}
	return nil, errors.New("no JSON object or array found in the answer")
}

// balancedSpans returns the substrings of s that start at '{' or '[' and end at the
// matching bracket, skipping brackets inside JSON strings.
func balancedSpans(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '{' && s[i] != '[' {
			continue
		}
		depth, inStr, esc := 0, false, false
		for j := i; j < len(s); j++ {
			c := s[j]
			switch {
			case esc:
				esc = false
			case inStr && c == '\\':
				esc = true
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					out = append(out, s[i:j+1])
					j = len(s)
				}
			}
		}
	}
	return out
}

// Fenced wraps src in a fenced code block tagged lang, for task prompts and reference
// answers (Go raw strings can't hold backticks).
func Fenced(lang, src string) string {
	return "```" + lang + "\n" + strings.TrimRight(src, "\n") + "\n```"
}
