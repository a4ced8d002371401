// Package projections is the read side: the projector, which follows the log
// through one ordered consumer and applies every event, in stream order, to
// the write side's state and to every read model; and the read models that
// the API serves.
package projections
