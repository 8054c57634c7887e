// Package bench holds what xiang's performance benchmark shares between its
// command (bench/cmd/xiang-bench), its peers' scripts and its tests: the
// deterministic synthetic campaign, the fixed tile list and the statistics
// the figures are reported in.
//
// The benchmark itself is run by bench/run.sh (`make bench`); bench/RESULTS.md
// describes what it measures and holds the last full run. Nothing here is
// used by xiang at run time.
package bench
