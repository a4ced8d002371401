// Package jetstream is the event log on NATS JetStream: the embedded server,
// the audit-grade CX stream, and a Store that appends with optimistic
// concurrency and group commit, and reads through one ordered consumer.
package jetstream
