// Package jstest runs a real embedded JetStream server for tests: no mocks of
// NATS anywhere in this project.
package jstest

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"

	"cxtracker/events/jetstream"
)

// Server starts an embedded server with JetStream on dir and stops it when
// the test ends.
func Server(tb testing.TB, dir string) *jetstream.Server {
	tb.Helper()
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: dir})
	if err != nil {
		tb.Fatalf("start embedded server: %v", err)
	}
	tb.Cleanup(srv.Shutdown)
	return srv
}

// Conn connects to srv in process and closes the connection when the test ends.
func Conn(tb testing.TB, srv *jetstream.Server) *nats.Conn {
	tb.Helper()
	nc, err := srv.Connect()
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(nc.Close)
	return nc
}

// Open opens a Store on srv, closed when the test ends.
func Open(tb testing.TB, srv *jetstream.Server, opts ...jetstream.Option) *jetstream.Store {
	tb.Helper()
	st, err := jetstream.New(context.Background(), Conn(tb, srv), opts...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(st.Close)
	servers.Store(st, srv)
	tb.Cleanup(func() { servers.Delete(st) })
	return st
}

// Start is a Store on a fresh embedded server in a temporary directory.
func Start(tb testing.TB, opts ...jetstream.Option) *jetstream.Store {
	tb.Helper()
	return Open(tb, Server(tb, tb.TempDir()), opts...)
}
