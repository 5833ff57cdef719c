// Package conformance is tsworker's differential suite: the same workflow
// files run on tsworker and on the TypeScript SDK's own worker, against one
// embedded Temporal server, and everything a user can observe of each run is
// compared. The package holds the table of the differences the suite
// accepts; the suite itself is its tests (go test ./conformance), which need
// Node.js and npm.
package conformance
