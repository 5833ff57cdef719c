// Package bench compares JS workflows on tsworker with the same workflows
// written natively with the Go SDK, in one run against one embedded dev
// server:
//
//	go test ./internal/bench -run '^$' -bench . -benchtime 1x -timeout 30m
//	go test ./internal/bench -run '^$' -bench Load -benchtime 1x -timeout 30m  # load only
//
// The load workload at its default size takes about ten minutes on two
// cores, more than go test's default timeout.
//
// Workloads (BenchmarkCompare): one-activity (one greet call),
// fifty-activities (fifty greet calls in sequence) and cached-runs (runs
// blocked on a one-day timer after their first task, kept in the worker's
// sticky cache). BenchmarkLoad runs the load workload: loadFlow workflows
// (greet, a one-second timer, an approve signal the harness sends right
// after the start, two more greet calls) with N of them in flight at once:
// N start together and each completion starts the next, until the total
// has been started; then the rest drain. The server's pace drifts during
// a run (by tens of percent from one implementation's turn to the next in
// ours), so the pair runs in rounds that alternate which goes first.
//
// Each (implementation, workload) pair gets a fresh worker process, so its
// CPU and memory are the worker's alone, not the server's or the client's:
// the benchmark builds the benchworker command and the harness talks to it
// over stdin/stdout (see ServeWorker). The figures, printed as a table
// with js/go ratios, are:
//
//   - wall time from the first start to the last result, and workflows/s;
//   - worker CPU (user+system, all threads) per workflow, measured from just
//     before to just after the workload, after a warm-up;
//   - peak RSS of the worker during the workload;
//   - memory per cached run: the growth of the worker's RSS and of its Go
//     heap in use, each read after a GC that returns memory to the OS,
//     divided by the number of cached runs;
//   - for load, memory per cached run: the same growth, read after a GC in
//     the middle of the workload and divided by the runs then in the
//     worker's sticky cache (the SDK's sticky cache size gauge; workflows
//     waiting on the server for their first task are in flight but not
//     cached), and the CPU of the harness's own process (client and
//     embedded server) per workflow, which shows what bounds throughput.
//
// Sizes are flags (after the package, or after -args) or environment
// variables: -wfs-one (TSWORKER_BENCH_ONE, default 300), -wfs-fifty
// (TSWORKER_BENCH_FIFTY, 50), -wfs-cached (TSWORKER_BENCH_CACHED, 500),
// -wfs-load (TSWORKER_BENCH_LOAD, in flight, 1000), -wfs-load-total
// (TSWORKER_BENCH_LOAD_TOTAL, 0 meaning three times -wfs-load),
// -load-rounds (TSWORKER_BENCH_LOAD_ROUNDS, 2), -wfs-warmup
// (TSWORKER_BENCH_WARMUP, 20). -profile-dir
// (TSWORKER_BENCH_PROFILE) makes the workers write CPU profiles of each
// measured workload and heap profiles of the cached runs.
//
// BenchmarkSoak runs the load workload for a duration instead of a count,
// and only when -soak gives one (so never in the test suite), sampling the
// worker's goroutines, RSS, heap and cached runs every -soak-every
// (default a minute) with -soak-in-flight workflows in flight (default
// 200):
//
//	go test ./internal/bench -run '^$' -bench Soak -benchtime 1x -timeout 40m -soak 30m
//
// Machines are shared and noisy: the benchmark reports and never asserts
// on timings. Without -bench only quick correctness tests run; they run
// every workload, load included, on a few workflows.
package bench
