package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var factCheckStorageLimitsClaim = harness.Register(&harness.Task{
	ID:         "fact-check-storage-limits-claim",
	Category:   harness.Reasoning,
	Title:      "Fact-check a claim about service limits against the documentation",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"real-world", "fact-checking", "grounding", "documentation"},
	Prompt: `A design doc under review says:

  "Brightbucket lets us upload objects of up to 5 GiB with a single PUT request, and objects of up to 5 TiB with multipart upload, so we don't need multipart for our 2 GiB nightly backups."

Check the claim against Brightbucket's current documentation below, using only this text.

- SUPPORTED: the text supports every part of the claim.
- REFUTED: the text contradicts at least one part.
- NOT ENOUGH INFO: the text neither supports nor contradicts it.

Quote, verbatim and in double quotes, the sentence(s) from the text that decide it, explain in one or two sentences, and end with a line "ANSWER: <SUPPORTED, REFUTED or NOT ENOUGH INFO>".

--- Brightbucket Object Storage: Limits and quotas (last updated 3 February 2025) ---
Objects. An object can be up to 5 TiB in size. Object keys can be up to 1,024 bytes of UTF-8.
Single PUT. Since 1 February 2025, a single PUT request can upload at most 512 MiB (previously 5 GiB). Requests above the limit are rejected with 413 EntityTooLarge.
Multipart upload. Each part must be between 5 MiB and 5 GiB, except the last part, which can be smaller. An upload can have at most 10,000 parts. Use multipart upload for any object larger than 512 MiB.
Buckets. An account can have up to 1,000 buckets by default; ask support to raise the limit.
Request rates. Each prefix supports at least 3,500 write and 5,500 read requests per second.
--- end ---`,
	Capabilities: []string{"checks each part of a compound claim", "notices a limit that changed (outdated knowledge in the claim)", "quotes the deciding evidence verbatim"},
	Reference: `"Since 1 February 2025, a single PUT request can upload at most 512 MiB (previously 5 GiB)."
"Use multipart upload for any object larger than 512 MiB."

The 5 TiB object limit is right ("An object can be up to 5 TiB in size."), but the single-PUT limit of 5 GiB is out of date: it is now 512 MiB, so the 2 GiB backups do need multipart upload.

ANSWER: REFUTED`,
	Checks: []harness.Check{
		harness.FinalAnswer{Want: []string{"REFUTED"}},
		harness.Contains{Label: "quotes-evidence", All: []string{"at most 512 MiB|larger than 512 MiB"}},
	},
	WrongAnswers: []string{
		`"An object can be up to 5 TiB in size." and multipart parts can be up to 5 GiB, so the claim holds.

ANSWER: SUPPORTED`,
		`The text says a single PUT can upload at most 512 MiB, but it was 5 GiB before February, so it depends on when the doc was written.

ANSWER: NOT ENOUGH INFO`,
	},
})

func TestFactCheckStorageLimitsClaim(t *testing.T) { harness.Run(t, factCheckStorageLimitsClaim) }
