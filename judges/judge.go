package judges

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// Judge is one judge of a panel.
type Judge struct {
	Spec harness.Spec
	// Unstructured sends no JSON schema, for a server that has no structured output:
	// the verdict is read from the reply's text, with one repair request. (lim also
	// falls back to this by itself when a server rejects the schema.)
	Unstructured bool
}

// judgeMaxTokens is a verdict's completion budget; judges that reason get the settings'
// thinking budget on top, and one more try with double the budget after a length stop.
const judgeMaxTokens = 1024

// judgeSeed is the seed of every judge call: with temperature 0, the same answer gets
// the same request, so replays find their recordings whatever LIM_SEED says.
const judgeSeed = 42

// judgeSettings are the settings of judge calls, from the run's: greedy decoding, the
// run's context window and thinking budget, thinking left to the judge model.
func judgeSettings(run harness.Settings) harness.Settings {
	return harness.Settings{Temperature: 0, ThinkBudget: run.ThinkBudget, NumCtx: run.NumCtx, Seed: judgeSeed}
}

// verdict asks judge j (through backend b) for a verdict on in. Every outcome is a
// verdict — scores, or a judge error that carries none — except a missing fixture
// recording, which is returned as the error: it is a broken test, not a judge failure.
func (j Judge) verdict(ctx context.Context, b harness.Backend, in Input, s harness.Settings) (results.Verdict, error) {
	v := results.Verdict{Kind: results.VerdictJudge, Judge: j.Spec.Raw, PromptHash: PromptVersion(), Attempts: 0}
	sys := systemPrompt(in.Category)
	structured := !j.Unstructured
	var tokensIn, tokensOut int64
	var sawIn, sawOut, sawCost bool
	var cost float64
	var wall time.Duration
	ask := func(prompt string, budget int) (harness.Response, error) {
		for {
			req := harness.Request{System: sys, Prompt: prompt, MaxTokens: budget, Settings: s, Seed: s.Seed}
			if structured {
				req.Format = verdictSchema
			}
			resp, err := b.Chat(ctx, req)
			v.Attempts++
			if resp.PromptTokens != nil {
				tokensIn, sawIn = tokensIn+int64(*resp.PromptTokens), true
			}
			if resp.CompletionTokens != nil {
				tokensOut, sawOut = tokensOut+int64(*resp.CompletionTokens), true
			}
			if resp.CostUSD != nil {
				cost, sawCost = cost+*resp.CostUSD, true
			}
			if resp.Wall != nil {
				wall += *resp.Wall
			}
			if resp.ModelDigest != "" {
				v.JudgeDigest = resp.ModelDigest
				if resp.Provider != "" {
					v.JudgeDigest += " via " + resp.Provider
				}
			}
			v.FinishReason = resp.FinishReason
			v.Raw = harness.Scrub(clip(resp.Answer, maxReply))
			if err != nil && structured && rejectsSchema(err) {
				structured = false // the server has no structured output: parse the text instead
				continue
			}
			if why, full := harness.ContextFull(req, resp, j.Spec); full && err == nil {
				// A judge that saw a cut task or answer gives no verdict on them.
				err = contextFullError{why}
			}
			return resp, err
		}
	}
	finish := func() (results.Verdict, error) {
		v.PromptTokens = sql.NullInt64{Int64: tokensIn, Valid: sawIn}
		v.OutputTokens = sql.NullInt64{Int64: tokensOut, Valid: sawOut}
		v.CostUSD = sql.NullFloat64{Float64: cost, Valid: sawCost}
		if wall > 0 {
			v.WallMS = sql.NullFloat64{Float64: float64(wall) / float64(time.Millisecond), Valid: true}
		}
		return v, nil
	}
	fail := func(kind string, err error) (results.Verdict, error) {
		var miss *harness.FixtureMissError
		if errors.As(err, &miss) {
			return v, miss
		}
		if errors.As(err, new(contextFullError)) || errors.Is(err, harness.ErrPromptTooLong) {
			kind = results.JudgeErrLength // out of room, not a failed call: asking again fails the same way
		}
		v.ParseStatus, v.ErrorKind, v.Error = results.ParseError, kind, harness.Scrub(err.Error())
		return finish()
	}

	budget := judgeMaxTokens
	if s.Think != harness.ThinkOff {
		budget += s.ThinkBudget
	}
	prompt := userPrompt(in)
	resp, err := ask(prompt, budget)
	if err != nil {
		return fail(results.JudgeErrCall, err)
	}
	if resp.FinishReason == "length" {
		budget *= 2
		if resp, err = ask(prompt, budget); err != nil {
			return fail(results.JudgeErrCall, err)
		}
	}
	scores, perr := readVerdict(resp.Answer, in.Answer)
	if perr != nil && resp.FinishReason == "length" {
		return fail(results.JudgeErrLength, errors.New("the judge ran out of tokens twice, the second time with double the budget; "+perr.Error()))
	}
	status := results.ParseOK
	if perr != nil {
		first := perr
		if resp, err = ask(repairPrompt(in, resp.Answer, perr), budget); err != nil {
			return fail(results.JudgeErrCall, fmt.Errorf("first reply unreadable (%v); the repair request failed: %w", first, err))
		}
		if scores, perr = readVerdict(resp.Answer, in.Answer); perr != nil {
			kind := results.JudgeErrParse
			if resp.FinishReason == "length" {
				kind = results.JudgeErrLength
			}
			return fail(kind, errors.New("unreadable verdict, and again after one repair request: "+first.Error()+"; then: "+perr.Error()))
		}
		status = results.ParseRepaired
	}
	v.ParseStatus = status
	v.SetScores(scores.Array())
	v.Rationale = harness.Scrub(scores.Rationale)
	return finish()
}

// contextFullError is a judge call that filled its context window (harness.ContextFull).
type contextFullError struct{ why string }

func (e contextFullError) Error() string {
	return "the judge did not see the whole task and answer: " + e.why
}

// rejectsSchema reports whether err is a server refusing the structured-output request
// itself (an OpenAI-compatible server without json_schema support).
func rejectsSchema(err error) bool {
	var se *harness.HTTPStatusError
	if !errors.As(err, &se) || (se.Status != 400 && se.Status != 422) {
		return false
	}
	body := strings.ToLower(se.Body)
	return strings.Contains(body, "response_format") || strings.Contains(body, "json_schema") || strings.Contains(body, "structured output")
}

// readVerdict reads the verdict in a judge's reply (ParseVerdict) and refuses one
// copied from the answer under judgement: a verdict-shaped object planted in the answer,
// rationale and all, that the judge repeated instead of grading.
func readVerdict(reply, answer string) (Scores, error) {
	s, err := ParseVerdict(reply)
	if err != nil {
		return Scores{}, err
	}
	if s.Rationale == "" {
		return s, nil
	}
	for _, obj := range jsonObjects(answer) {
		m, err := decodeObject(obj)
		if err != nil || !hasDimension(m) {
			continue
		}
		if planted, err := scoresOf(m); err == nil && planted == s {
			return Scores{}, errors.New("the verdict is a copy of one planted in the answer under judgement")
		}
	}
	return s, nil
}
