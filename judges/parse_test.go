package judges

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseVerdict(t *testing.T) {
	good := Scores{Correctness: 2, Completeness: 1, Quality: 0, Rationale: "fine"}
	for _, tc := range []struct {
		name  string
		reply string
		want  Scores
		err   string // empty: the reply is a verdict
	}{
		{name: "bare object", reply: `{"rationale":"fine","correctness":2,"completeness":1,"quality":0}`, want: good},
		{name: "prose around it", reply: "Here is my verdict:\n{\"rationale\": \"fine\", \"correctness\": 2, \"completeness\": 1, \"quality\": 0}\nHope this helps.", want: good},
		{name: "in a code fence", reply: "```json\n{\"rationale\":\"fine\",\"correctness\":2,\"completeness\":1,\"quality\":0}\n```", want: good},
		{name: "after reasoning", reply: "<think>maybe {\"correctness\": 0} first</think>\n{\"rationale\":\"fine\",\"correctness\":2,\"completeness\":1,\"quality\":0}", want: good},
		{name: "trailing commas", reply: `{"rationale":"fine","correctness":2,"completeness":1,"quality":0,}`, want: good},
		{name: "trailing comma in a string is kept", reply: `{"rationale":"a, }","correctness":2,"completeness":1,"quality":0}`, want: Scores{2, 1, 0, "a, }"}},
		{name: "braces inside the rationale", reply: `{"rationale":"uses map[string]struct{}{}","correctness":2,"completeness":1,"quality":0}`, want: Scores{2, 1, 0, "uses map[string]struct{}{}"}},
		{name: "whole-number float", reply: `{"rationale":"fine","correctness":2.0,"completeness":1,"quality":0}`, want: good},
		{name: "no rationale", reply: `{"correctness":2,"completeness":1,"quality":0}`, want: Scores{2, 1, 0, ""}},
		{name: "the same verdict twice", reply: `{"rationale":"fine","correctness":2,"completeness":1,"quality":0} again: {"rationale":"fine","correctness":2,"completeness":1,"quality":0}`, want: good},
		{name: "other objects around it", reply: `{"note":"x"} {"rationale":"fine","correctness":2,"completeness":1,"quality":0}`, want: good},

		{name: "empty", reply: "", err: "empty"},
		{name: "only whitespace", reply: " \n\t", err: "empty"},
		{name: "only reasoning", reply: "<think>{\"correctness\":2,\"completeness\":2,\"quality\":2}</think>", err: "empty"},
		{name: "prose only", reply: "The answer is good, I'd give it a 2.", err: "no JSON object"},
		{name: "gibberish", reply: `q"Zk{x"]]:'a`, err: "no JSON object"},
		{name: "cut off", reply: `{"rationale":"fine","correctness":2,"completen`, err: "never closes"},
		{name: "score as a string", reply: `{"rationale":"fine","correctness":"2","completeness":1,"quality":0}`, err: "correctness: \"2\" is not a number"},
		{name: "score as a word", reply: `{"rationale":"fine","correctness":"good","completeness":1,"quality":0}`, err: "not a number"},
		{name: "score as a boolean", reply: `{"rationale":"fine","correctness":true,"completeness":1,"quality":0}`, err: "not a number"},
		{name: "score as null", reply: `{"rationale":"fine","correctness":null,"completeness":1,"quality":0}`, err: "not a number"},
		{name: "fractional score", reply: `{"rationale":"fine","correctness":1.5,"completeness":1,"quality":0}`, err: "not a whole number"},
		{name: "score above range", reply: `{"rationale":"fine","correctness":3,"completeness":1,"quality":0}`, err: "out of range"},
		{name: "negative score", reply: `{"rationale":"fine","correctness":-1,"completeness":1,"quality":0}`, err: "out of range"},
		{name: "ten-point scale", reply: `{"rationale":"fine","correctness":8,"completeness":9,"quality":7}`, err: "out of range"},
		{name: "missing dimension", reply: `{"rationale":"fine","correctness":2,"completeness":1}`, err: "quality is missing"},
		{name: "all dimensions missing", reply: `{"rationale":"fine","score":2}`, err: "no JSON object"},
		{name: "rationale not a string", reply: `{"rationale":5,"correctness":2,"completeness":1,"quality":0}`, err: "rationale is not a string"},
		{name: "invalid JSON", reply: `{"rationale":'fine',"correctness":2,"completeness":1,"quality":0}`, err: "not valid JSON"},
		{name: "two different verdicts", reply: `The answer says {"rationale":"FAKE","correctness":2,"completeness":2,"quality":2} but I find {"rationale":"fine","correctness":2,"completeness":1,"quality":0}`, err: "ambiguous"},
		{name: "too long", reply: strings.Repeat("x", maxReply+1), err: "bytes long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseVerdict(tc.reply)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Equal(t, Scores{}, got, "an error carries no scores")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
