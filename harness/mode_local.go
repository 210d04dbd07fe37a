//go:build local

package harness

// liveBuild is true in binaries built with -tags=local: model calls go to real servers.
const liveBuild = true
