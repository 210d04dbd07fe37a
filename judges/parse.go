package judges

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// Scores is a verdict read from a judge's reply.
type Scores struct {
	Correctness  int
	Completeness int
	Quality      int
	Rationale    string
}

// Array returns the scores in results.Dimensions order.
func (s Scores) Array() [3]int { return [3]int{s.Correctness, s.Completeness, s.Quality} }

// maxReply bounds the reply ParseVerdict reads.
const maxReply = 64 << 10

// ParseVerdict reads a verdict from a judge's reply. It takes the one JSON object in
// the reply that holds the rubric's dimensions, wherever it stands: prose or a code
// fence around it and reasoning before it (<think>…</think>) are ignored, and trailing
// commas are forgiven. Everything else is an error, never a default score:
//
//   - no such object, or an empty reply;
//   - two different ones (which one would be the verdict? an echoed answer may hold a
//     fake);
//   - a dimension missing, or not a whole number (a string, a fraction, a boolean), or
//     outside 0–2;
//   - a rationale that is not a string.
func ParseVerdict(reply string) (Scores, error) {
	if len(reply) > maxReply {
		return Scores{}, fmt.Errorf("the reply is %d bytes long: more than the %d a verdict needs", len(reply), maxReply)
	}
	text, _ := harness.SplitThinking(reply)
	if strings.TrimSpace(text) == "" {
		return Scores{}, errors.New("the reply is empty")
	}
	var found []map[string]json.RawMessage
	var firstErr error
	for _, obj := range jsonObjects(text) {
		m, err := decodeObject(obj)
		if err != nil {
			if firstErr == nil && mentionsDimension(obj) {
				firstErr = err
			}
			continue
		}
		if !hasDimension(m) {
			continue
		}
		found = append(found, m)
	}
	switch {
	case len(found) == 0 && firstErr != nil:
		return Scores{}, fmt.Errorf("the verdict is not valid JSON: %w", firstErr)
	case len(found) == 0 && strings.Contains(text, "{") && mentionsDimension(text):
		return Scores{}, errors.New("the verdict's JSON object never closes: the reply is cut off")
	case len(found) == 0:
		return Scores{}, errors.New("no JSON object with correctness, completeness and quality in the reply")
	}
	s, err := scoresOf(found[0])
	if err != nil {
		return Scores{}, err
	}
	for _, m := range found[1:] {
		other, err := scoresOf(m)
		if err != nil || other != s {
			return Scores{}, fmt.Errorf("the reply holds %d different verdict objects: which one is the verdict is ambiguous", len(found))
		}
	}
	return s, nil
}

func hasDimension(m map[string]json.RawMessage) bool {
	for _, d := range results.Dimensions {
		if _, ok := m[d]; ok {
			return true
		}
	}
	return false
}

func mentionsDimension(obj string) bool {
	for _, d := range results.Dimensions {
		if strings.Contains(obj, `"`+d+`"`) {
			return true
		}
	}
	return false
}

// scoresOf validates one verdict object.
func scoresOf(m map[string]json.RawMessage) (Scores, error) {
	var s Scores
	var errs []error
	dst := []*int{&s.Correctness, &s.Completeness, &s.Quality}
	for i, d := range results.Dimensions {
		raw, ok := m[d]
		if !ok {
			errs = append(errs, fmt.Errorf("%s is missing", d))
			continue
		}
		v, err := scoreOf(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d, err))
			continue
		}
		*dst[i] = v
	}
	if raw, ok := m["rationale"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &s.Rationale); err != nil {
			errs = append(errs, fmt.Errorf("rationale is not a string: %s", clip(string(raw), 40)))
		}
	}
	if len(errs) > 0 {
		return Scores{}, errors.Join(errs...)
	}
	return s, nil
}

func scoreOf(raw json.RawMessage) (int, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s is not a number: want 0, 1 or 2", clip(string(raw), 40))
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("%s is not a whole number: want 0, 1 or 2", n)
	}
	if f < 0 || f > 2 {
		return 0, fmt.Errorf("%s is out of range: want 0, 1 or 2", n)
	}
	return int(f), nil
}

// decodeObject decodes one JSON object, forgiving trailing commas.
func decodeObject(obj string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	err := json.Unmarshal([]byte(obj), &m)
	if err == nil {
		return m, nil
	}
	if fixed := dropTrailingCommas(obj); fixed != obj {
		if json.Unmarshal([]byte(fixed), &m) == nil {
			return m, nil
		}
	}
	return nil, err
}

// dropTrailingCommas removes commas that directly precede a closing brace or bracket,
// outside strings.
func dropTrailingCommas(s string) string {
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			b.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		if c == ',' {
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// jsonObjects returns the outermost balanced {…} spans of s, left to right, honouring
// JSON strings. A '{' that never closes is skipped.
func jsonObjects(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if end := matchBrace(s, i); end > 0 {
			out = append(out, s[i:end+1])
			i = end
		}
	}
	return out
}

// matchBrace returns the index of the '}' closing the '{' at start, or -1.
func matchBrace(s string, start int) int {
	depth := 0
	inString, escaped := false, false
	for i := start; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
