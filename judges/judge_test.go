package judges

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// scriptedBackend is a fake judge server that answers from a script. It exists for the
// replies a real server cannot be made to give on demand — a server refusing the
// json_schema request, a verdict planted and repeated, length stops at a chosen call —
// so the verdict loop's every branch is pinned down; the real Ollama proves the rest
// (see integration_test.go).
type scriptedBackend struct {
	replies []scripted
	reqs    []harness.Request
	prompt  int   // prompt tokens each reply reports; 100 when 0
	prompts []int // per reply, when set: overrides prompt
}

type scripted struct {
	answer, finish string
	err            error
}

func (b *scriptedBackend) Spec() harness.Spec {
	return harness.Spec{Raw: "ollama:scripted", Kind: harness.KindOllama, Model: "scripted"}
}

func (b *scriptedBackend) Chat(_ context.Context, req harness.Request) (harness.Response, error) {
	b.reqs = append(b.reqs, req)
	if len(b.reqs) > len(b.replies) {
		return harness.Response{}, errors.New("script exhausted: the judge asked more often than expected")
	}
	r := b.replies[len(b.reqs)-1]
	pt, ct := 100, 20
	if b.prompt > 0 {
		pt = b.prompt
	}
	if i := len(b.reqs) - 1; i < len(b.prompts) && b.prompts[i] > 0 {
		pt = b.prompts[i]
	}
	return harness.Response{Answer: r.answer, FinishReason: r.finish, PromptTokens: &pt, CompletionTokens: &ct, Attempts: 1}, r.err
}

func TestVerdictLoop(t *testing.T) {
	const ok = `{"rationale":"right","correctness":2,"completeness":2,"quality":1}`
	const cut = `{"rationale":"right","correctness":2,"compl`
	rejected := &harness.HTTPStatusError{Status: 400, Body: `{"error":{"message":"response_format json_schema is not supported by this model"}}`}
	for _, tc := range []struct {
		name     string
		script   []scripted
		status   string
		kind     string
		scores   [3]int
		attempts int
		check    func(t *testing.T, reqs []harness.Request)
	}{
		{name: "structured, first try", script: []scripted{{ok, "stop", nil}}, status: results.ParseOK, scores: [3]int{2, 2, 1}, attempts: 1,
			check: func(t *testing.T, reqs []harness.Request) {
				assert.JSONEq(t, string(verdictSchema), string(reqs[0].Format), "the schema is sent")
				assert.Equal(t, 0.0, reqs[0].Settings.Temperature)
				assert.Equal(t, judgeSeed, reqs[0].Seed)
				assert.Equal(t, judgeMaxTokens+harness.DefaultSettings().ThinkBudget, reqs[0].MaxTokens, "a reasoning judge's budget includes the thinking budget")
			}},
		{name: "prose, repaired", script: []scripted{{"It is quite good overall.", "stop", nil}, {ok, "stop", nil}}, status: results.ParseRepaired, scores: [3]int{2, 2, 1}, attempts: 2,
			check: func(t *testing.T, reqs []harness.Request) {
				assert.Contains(t, reqs[1].Prompt, "could not be read as a verdict")
				assert.Contains(t, reqs[1].Prompt, replyBegin+"\nIt is quite good overall.\n"+replyEnd)
			}},
		{name: "junk twice: a judge error, no score", script: []scripted{{`q"Zk{x`, "stop", nil}, {`]]'~`, "stop", nil}}, status: results.ParseError, kind: results.JudgeErrParse, attempts: 2},
		{name: "length stop, then done with double the budget", script: []scripted{{cut, "length", nil}, {ok, "stop", nil}}, status: results.ParseOK, scores: [3]int{2, 2, 1}, attempts: 2,
			check: func(t *testing.T, reqs []harness.Request) {
				assert.Equal(t, 2*reqs[0].MaxTokens, reqs[1].MaxTokens)
				assert.Equal(t, reqs[0].Prompt, reqs[1].Prompt, "the same request, a bigger budget")
			}},
		{name: "length stop twice", script: []scripted{{cut, "length", nil}, {cut, "length", nil}}, status: results.ParseError, kind: results.JudgeErrLength, attempts: 2},
		{name: "schema refused: unstructured fallback", script: []scripted{{"", "", rejected}, {"Verdict: " + ok, "stop", nil}}, status: results.ParseOK, scores: [3]int{2, 2, 1}, attempts: 2,
			check: func(t *testing.T, reqs []harness.Request) {
				assert.NotNil(t, reqs[0].Format)
				assert.Nil(t, reqs[1].Format, "no schema after the server refused it")
			}},
		{name: "server error", script: []scripted{{"", "", &harness.HTTPStatusError{Status: 500, Body: "boom"}}}, status: results.ParseError, kind: results.JudgeErrCall, attempts: 1},
		{name: "the planted verdict repeated, then its own", script: []scripted{{fakeVerdict, "stop", nil}, {ok, "stop", nil}}, status: results.ParseRepaired, scores: [3]int{2, 2, 1}, attempts: 2,
			check: func(t *testing.T, reqs []harness.Request) {
				assert.Contains(t, reqs[1].Prompt, "a copy of one planted in the answer")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &scriptedBackend{replies: tc.script}
			in := injectionInput(adversarialAnswers[3].answer) // holds a planted verdict
			v, err := Judge{Spec: b.Spec()}.verdict(context.Background(), b, in, judgeSettings(harness.DefaultSettings()))
			require.NoError(t, err)
			assert.Equal(t, tc.status, v.ParseStatus)
			assert.Equal(t, tc.kind, v.ErrorKind)
			assert.Equal(t, tc.attempts, v.Attempts)
			assert.Equal(t, int64(100*tc.attempts), v.PromptTokens.Int64, "tokens add up over every call")
			if tc.status == results.ParseError {
				assert.False(t, v.Correctness.Valid || v.Completeness.Valid || v.Quality.Valid, "a judge error carries no score")
				assert.NotEmpty(t, v.Error)
			} else {
				assert.Equal(t, tc.scores, v.Scores())
				assert.Equal(t, "right", v.Rationale)
			}
			if tc.check != nil {
				tc.check(t, b.reqs)
			}
		})
	}

	t.Run("a judge whose context window was full gives no verdict", func(t *testing.T) {
		s := judgeSettings(harness.DefaultSettings())
		b := &scriptedBackend{replies: []scripted{{ok, "stop", nil}}, prompt: s.NumCtx - 10} // + 20 answer tokens
		v, err := Judge{Spec: b.Spec()}.verdict(context.Background(), b, injectionInput("an answer"), s)
		require.NoError(t, err)
		assert.Equal(t, results.ParseError, v.ParseStatus, "a readable verdict on a cut prompt is still no verdict")
		assert.Equal(t, results.JudgeErrLength, v.ErrorKind)
		assert.Contains(t, v.Error, "the judge did not see the whole task and answer: the context window (num_ctx 8192) was full")
		assert.Contains(t, v.Error, "raise LIM_NUM_CTX")
		assert.False(t, v.Correctness.Valid)

		full := judgeSettings(harness.DefaultSettings()).NumCtx
		b = &scriptedBackend{replies: []scripted{{"It is quite good overall.", "stop", nil}, {ok, "stop", nil}}, prompts: []int{0, full}}
		v, err = Judge{Spec: b.Spec()}.verdict(context.Background(), b, injectionInput("an answer"), s)
		require.NoError(t, err)
		assert.Equal(t, results.JudgeErrLength, v.ErrorKind, "the repair request's window filled: no verdict either")
		assert.Contains(t, v.Error, "did not see the whole task and answer")
		assert.Equal(t, 2, v.Attempts)
	})

	t.Run("a missing recording is the test's error, not a verdict", func(t *testing.T) {
		miss := &harness.FixtureMissError{Test: "TestX", File: "fixtures/x.txt", Request: "POST /api/chat"}
		b := &scriptedBackend{replies: []scripted{{"", "", miss}}}
		_, err := Judge{Spec: b.Spec()}.verdict(context.Background(), b, injectionInput("x"), judgeSettings(harness.DefaultSettings()))
		var got *harness.FixtureMissError
		assert.True(t, errors.As(err, &got))
	})
}
