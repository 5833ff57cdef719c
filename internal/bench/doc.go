// Package bench compares JS workflows on tsworker with the same workflows
// written natively with the Go SDK, in one run against one embedded dev
// server:
//
//	go test ./internal/bench -run '^$' -bench . -benchtime 1x
//
// Workloads: one-activity (one greet call), fifty-activities (fifty greet
// calls in sequence) and cached-runs (runs blocked on a one-day timer after
// their first task, kept in the worker's sticky cache). Each
// (implementation, workload) pair gets a fresh worker process, so its CPU
// and memory are the worker's alone, not the server's or the client's: the
// benchmark builds the benchworker command and the harness talks to it over
// stdin/stdout (see ServeWorker). The figures, printed as a table with js/go
// ratios, are:
//
//   - wall time from the first start to the last result, and workflows/s;
//   - worker CPU (user+system, all threads) per workflow, measured from just
//     before to just after the workload, after a warm-up;
//   - peak RSS of the worker during the workload;
//   - memory per cached run: the growth of the worker's RSS and of its Go
//     heap in use, each read after a GC that returns memory to the OS,
//     divided by the number of cached runs.
//
// Sizes are flags (after the package, or after -args) or environment
// variables: -wfs-one (TSWORKER_BENCH_ONE, default 300), -wfs-fifty
// (TSWORKER_BENCH_FIFTY, 50), -wfs-cached (TSWORKER_BENCH_CACHED, 500),
// -wfs-warmup (TSWORKER_BENCH_WARMUP, 20). -profile-dir
// (TSWORKER_BENCH_PROFILE) makes the workers write CPU profiles of each
// measured workload and heap profiles of the cached runs.
//
// Machines are shared and noisy: the benchmark reports and never asserts
// on timings. Without -bench only quick correctness tests run.
package bench
