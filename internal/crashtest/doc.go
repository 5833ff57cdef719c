// Package crashtest holds integration tests showing that crashes lose no
// workflow progress: a worker process killed with SIGKILL in the middle of
// many workflows, a worker draining its activities on SIGTERM, and a dev
// server restarted on its database file.
//
// The worker runs in a child process: the test binary runs itself with
// -test.run=^TestCrashWorkerProcess$ and the worker's settings in its
// environment, so the tests can kill it as an operator (or the kernel)
// would.
package crashtest
