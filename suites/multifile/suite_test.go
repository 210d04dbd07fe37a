package multifile

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// TestSuite validates every task in this package; see harness.CheckSuite.
func TestSuite(t *testing.T) { harness.CheckSuite(t) }
