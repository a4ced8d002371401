package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"cxtracker/api"
	"cxtracker/events/jetstream"
)

// Main is the running tracker: the log (on the embedded server or an
// external one), the store on it, and the HTTP API. main() only parses and
// handles signals; tests drive this same type end to end.
type Main struct {
	Config Config
	Logger *slog.Logger

	server *jetstream.Server // nil with --nats-url
	conn   *nats.Conn
	store  *jetstream.Store
	http   *http.Server
	ln     net.Listener
	ready  atomic.Bool
}

// NewMain is a Main with its configuration.
func NewMain(cfg Config, log *slog.Logger) *Main {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Main{Config: cfg, Logger: log}
}

// Run starts everything and returns once the tracker serves, or with the
// first thing that failed (after undoing what had started).
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.connect(ctx); err != nil {
		return err
	}
	m.store, err = jetstream.New(ctx, m.conn, jetstream.WithReplicas(m.Config.Replicas), jetstream.WithLogger(m.Logger))
	if err != nil {
		return fmt.Errorf("open the event log: %w", err)
	}
	m.ln, err = net.Listen("tcp", m.Config.HTTP)
	if err != nil {
		return fmt.Errorf("HTTP API: %w", err)
	}
	e := api.New(api.Config{Ready: m.readiness, Logger: m.Logger})
	m.http = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.http.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("HTTP server stopped", "err", err)
		}
	}()
	m.ready.Store(true)
	m.Logger.Info("cxtracker serving", "http", "http://"+m.ln.Addr().String(), "data", m.Config.Data, "nats", m.natsDescription())
	return nil
}

// connect starts the embedded server, or reaches the external one.
func (m *Main) connect(ctx context.Context) error {
	if m.Config.NATSURL != "" {
		opts := []nats.Option{nats.Name("cxtracker"), nats.Timeout(5 * time.Second), nats.MaxReconnects(-1)}
		if m.Config.NATSCreds != "" {
			opts = append(opts, nats.UserCredentials(m.Config.NATSCreds))
		}
		if m.Config.NATSTLSCert != "" {
			opts = append(opts, nats.ClientCert(m.Config.NATSTLSCert, m.Config.NATSTLSKey))
		}
		if m.Config.NATSTLSCA != "" {
			opts = append(opts, nats.RootCAs(m.Config.NATSTLSCA))
		}
		nc, err := nats.Connect(m.Config.NATSURL, opts...)
		if err != nil {
			return fmt.Errorf("cannot reach NATS at %s: %w", m.Config.NATSURL, err)
		}
		m.conn = nc
		return nil
	}
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: m.Config.Data, Listen: m.Config.NATSListen, Logger: m.Logger})
	if err != nil {
		return err
	}
	m.server = srv
	m.conn, err = srv.Connect()
	if err != nil {
		return fmt.Errorf("connect to the embedded NATS server: %w", err)
	}
	return nil
}

func (m *Main) natsDescription() string {
	switch {
	case m.server == nil:
		return m.Config.NATSURL
	case m.server.ClientURL() != "":
		return "embedded, listening on " + m.server.ClientURL()
	default:
		return "embedded, in process only"
	}
}

// readiness says whether the tracker can take requests.
func (m *Main) readiness() error {
	if !m.ready.Load() {
		return errors.New("starting")
	}
	if m.conn == nil || !m.conn.IsConnected() {
		return errors.New("not connected to NATS")
	}
	return nil
}

// HTTPAddr is the address the API listens on.
func (m *Main) HTTPAddr() string { return m.ln.Addr().String() }

// NATSClientURL is the embedded server's client listener, "" without one.
func (m *Main) NATSClientURL() string {
	if m.server == nil {
		return ""
	}
	return m.server.ClientURL()
}

// Store is the event log.
func (m *Main) Store() *jetstream.Store { return m.store }

// Close stops taking requests, lets those under way finish, then closes the
// log and the server. It is safe on a Main that did not start fully.
func (m *Main) Close() {
	m.ready.Store(false)
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		if err := m.http.Shutdown(ctx); err != nil {
			m.Logger.Warn("HTTP shutdown", "err", err)
		}
		cancel()
	} else if m.ln != nil {
		m.ln.Close()
	}
	if m.store != nil {
		m.store.Close()
	}
	if m.conn != nil {
		if err := m.conn.Drain(); err != nil {
			m.conn.Close()
		}
	}
	if m.server != nil {
		m.server.Shutdown()
	}
}
