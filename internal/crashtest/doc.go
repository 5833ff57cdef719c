// Package crashtest holds integration tests showing that crashes lose no
// workflow progress: a worker process killed with SIGKILL in the middle of
// many workflows, a worker draining its activities on SIGTERM, a dev
// server restarted on its database file, and three worker processes on one
// task queue killed, restarted and rolled onto new workflow code
// (TestFailover, and BenchmarkFailover at 500 workflows); and tests of
// payloads over the server's size limits.
//
// The worker runs in a child process: the test binary runs itself with
// -test.run=^TestCrashWorkerProcess$ and the worker's settings in its
// environment, so the tests can kill it as an operator (or the kernel)
// would. The failover tests run the tsworker command line instead: a
// program built from failoverworker (cli.Main with the Ledger activities,
// whose side effects are lines in a file the processes share).
package crashtest
