// Package jetstream is the event log on NATS JetStream: the embedded server,
// the audit-grade CX stream, the listener's reader rights, the key-value
// buckets kept beside the log (credentials, kept answers), and a Store that
// appends with optimistic concurrency and group commit, reads a bounded
// range through batched direct get, and follows the log through one ordered
// consumer.
package jetstream
