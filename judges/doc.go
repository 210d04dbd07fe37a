// Package judges grades the answers deterministic checks cannot: two judge models of
// different families score every answer on a rubric, as a post-test assertion.
//
// The rubric has three dimensions — correctness, completeness, quality — each scored
// 0 (fail), 1 (acceptable) or 2 (good), with anchored descriptions of every level and a
// wording of its own for non-coding tasks. A judge sees the task prompt, the expected
// capabilities, the reference answer, the deterministic check results and the answer;
// the answer stands between fixed delimiters (AnswerBegin, AnswerEnd), any look-alike
// inside it is neutralised, and the judge is told that it is untrusted data to grade,
// never instructions. Verdicts are structured (Ollama's format, OpenAI's response_format
// json_schema), read by ParseVerdict, repaired with one more request when unreadable,
// and stored as judge errors — never as a default score — when they stay unreadable.
// Every verdict is stored with the judge's spec and family, the judge prompt's version
// hash (PromptVersion), the panel, the scores, rationale, parse status, tokens and cost.
//
// A suite applies the judges to every task with one line in its suite_test.go:
//
//	func init() { harness.AfterEach(judges.Assert) }
//
// A single test file (say, a team's private task in its own module) passes the
// assertion to Run instead:
//
//	var commitMessage = harness.Register(&harness.Task{
//		ID: "commit-message-from-diff", Category: harness.NonCoding,
//		// …
//		JudgeThreshold: 1.5, // the panel's mean (0–2) below which the subtest fails; default 1
//	})
//
//	func TestCommitMessage(t *testing.T) { harness.Run(t, commitMessage, judges.Assert) }
//
// The panel comes from LIM_JUDGES (model specs, comma-separated, like LIM_MODELS):
//
//   - unset, replaying fixtures or recording them: DefaultReplayJudges, lim's tiny
//     random-weight test model through Ollama's native API and its /v1 — junk verdicts,
//     same family as the test model under test (flagged), never failing a subtest;
//   - unset, live (-tags=local): DefaultLiveJudges, one OpenRouter model and one local
//     Ollama model; when the key or the model is missing, judging is skipped with a
//     message naming LIM_JUDGES;
//   - LIM_JUDGES=off: no judging.
//
// Judge calls go through the test's HTTP client, so they are recorded into the test's
// fixture with the model calls (LIM_RECORD=1) and replayed from it in CI. Stored answers
// can be judged again with another panel or prompt version without calling the models
// (Rejudge, `lim rejudge`); results whose judges differ by 2 on a dimension are flagged
// for a person (`lim review`), whose score wins in reports. Agreement statistics and
// the judged leaderboard live in package results.
package judges
