//go:build local

package judges

// liveTests is true in test binaries built with -tags=local (model calls are live).
const liveTests = true
