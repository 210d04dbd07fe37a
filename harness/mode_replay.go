//go:build !local

package harness

// liveBuild is false without -tags=local: every model call replays from fixtures/.
const liveBuild = false
