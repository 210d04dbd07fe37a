// Package suites is the root of lim's task corpus: one package per category below it,
// one test file per task. The tests in this package check the corpus as a whole: ids
// unique across packages, enough tasks in every category, difficulty spread, enough
// deterministic checks. BenchmarkReplaySuite times the whole corpus replayed offline.
package suites
