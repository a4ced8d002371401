// Package events is the write side of the CX program tracker: the event
// envelope (CloudEvents 1.0, structured JSON), the aggregate references that
// name where an event lives in the log, the Store interface the log implements,
// and the rules that turn commands into events.
//
// The package imports no infrastructure (no NATS, no HTTP), so everything in it
// is tested with plain Go values. The JetStream implementation of Store lives in
// events/jetstream.
package events
