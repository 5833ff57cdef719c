// Package codectest holds the integration tests of payload codecs with JS
// workflows: a client and a worker with an encrypting codec run a workflow
// that uses every kind of payload against the embedded server, and no
// plain text reaches the server. It has no code of its own.
package codectest
