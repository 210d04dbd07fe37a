package noncoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var uploadErrorMessageForUsers = harness.Register(&harness.Task{
	ID:         "upload-error-message-for-users",
	Category:   harness.NonCoding,
	Title:      "Rewrite a raw upload error for end users",
	Difficulty: 1,
	MaxTokens:  512,
	Tags:       []string{"writing", "ux-copy", "error-messages"},
	Prompt: `Our photo-sharing web app currently shows this raw server error to people whose upload fails:

    ERR upload_rejected: HTTP 413 Payload Too Large (client_max_body_size=25m, received=31457280 bytes) req_id=7f3a9c2e

Rewrite it as the message an end user sees. Requirements:
- one to three short, friendly sentences;
- say what went wrong and what the person can do about it, in everyday words;
- no status codes, server setting names or byte counts;
- support asks people to quote the request reference when they contact us, so keep the reference 7f3a9c2e in the message.

Reply with only the message text.`,
	Capabilities: []string{"turns a technical error into plain language", "keeps the one actionable fact (the 25 MB limit)", "drops internal details but keeps the support reference"},
	Reference:    `This photo is too large to upload: the limit is 25 MB per file. Try resizing or compressing it, then upload it again. If it still doesn't work, contact support and mention reference 7f3a9c2e.`,
	Checks: []harness.Check{
		harness.Contains{Label: "keeps-facts", All: []string{
			"25 MB|25MB|25 megabytes|25 mb",
			"7f3a9c2e",
			"too large|too big|larger than|bigger than|exceeds|over the|over our|above the",
		}},
		harness.Lacks{Label: "no-internals", Any: []string{"413", "payload", "client_max_body_size", "31457280", "upload_rejected", "req_id"}},
	},
	WrongAnswers: []string{
		`Error 413: the upload payload is too large (max 25 MB). Reference: 7f3a9c2e.`,
		`Your photo is too large to upload: the limit is 30 MB. Please make it smaller and try again.`,
	},
})

func TestUploadErrorMessageForUsers(t *testing.T) { harness.Run(t, uploadErrorMessageForUsers) }
