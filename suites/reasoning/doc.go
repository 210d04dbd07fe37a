// Package reasoning holds lim's reasoning tasks, one test file per task. Each file declares its
// task with harness.Register and runs it with harness.Run; suite_test.go validates them
// all (reference answers pass their checks, wrong answers fail them, ids stay stable).
package reasoning
