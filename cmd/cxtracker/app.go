package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
	"cxtracker/rules"
	"cxtracker/web"
	"cxtracker/webhooks"
)

// Main is the running tracker: the log (on the embedded server or an
// external one), the store on it, and the HTTP API. main() only parses and
// handles signals; tests drive this same type end to end.
type Main struct {
	Config Config
	Logger *slog.Logger

	server  *jetstream.Server // nil with --nats-url
	conn    *nats.Conn
	store   *jetstream.Store
	creds   *jetstream.Credentials
	answers *jetstream.Answers
	// keys are the data subjects' keys (events/personal.go).
	keys  *jetstream.Keys
	links *jetstream.SignInLinks
	// webhooks delivers the log's events to registered endpoints.
	webhooks *webhooks.Service
	// checkpoints keeps the state at points of the log; checkpointer
	// takes them.
	checkpoints  *jetstream.Checkpoints
	checkpointer *checkpointer
	engine       *events.Engine
	// rules opens and escalates follow-ups by the follow-up rules.
	rules     *rules.Manager
	views     *projections.Views
	projector *projections.Projector
	api       *api.Server
	web       *web.Web
	http      *http.Server
	ln        net.Listener
	ready     atomic.Bool
	// readied is closed when ready is first set.
	readied chan struct{}
	// replayTook is how long the start's replay took, from the
	// projector's start until it caught up with the log.
	replayTook time.Duration
	// replayCPU is the process's CPU time over the same span (0 where it
	// is not read).
	replayCPU time.Duration
	// recorder keeps <data>/log.json; logKnown says the log matched a
	// record made before this start.
	recorder *logRecorder
	logKnown bool
	cancel   context.CancelFunc
	done     chan struct{}
}

// NewMain is a Main with its configuration.
func NewMain(cfg Config, log *slog.Logger) *Main {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Main{Config: cfg, Logger: log, readied: make(chan struct{})}
}

// waitReady waits until the tracker has started (caught up with the log)
// or ctx ends.
func (m *Main) waitReady(ctx context.Context) error {
	select {
	case <-m.readied:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run starts everything and returns once the tracker serves, or with the
// first thing that failed (after undoing what had started).
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	began := time.Now()
	if err := m.openRecordedLog(ctx, jetstream.WithReplicas(m.Config.Replicas)); err != nil {
		return err
	}
	m.warnUnlessFsynced(ctx)
	if m.keys, err = m.store.Keys(ctx); err != nil {
		return err
	}
	if err := m.newReadSide(); err != nil {
		return err
	}
	from, err := m.openCheckpoints(ctx)
	if err != nil {
		return err
	}
	if m.creds, err = m.store.Credentials(ctx); err != nil {
		return err
	}
	if m.answers, err = m.store.Answers(ctx); err != nil {
		return err
	}
	if m.links, err = m.store.SignInLinks(ctx); err != nil {
		return err
	}
	hooks, err := m.store.Webhooks(ctx)
	if err != nil {
		return err
	}
	m.webhooks = webhooks.New(hooks, webhooks.Options{Engine: m.engine, Clock: m.Config.Clock, Logger: m.Logger})
	m.api = api.New(api.Deps{Eraser: &eraser{keys: m.keys, answers: m.answers, checkpointer: m.checkpointer}, Engine: m.engine, Projector: m.projector, Views: m.views, Store: m.store, Credentials: m.creds, Answers: m.answers, SignInLinks: m.links, Webhooks: m.webhooks, Ready: m.readiness, Logger: m.Logger,
		Serving: m.started,
		Limits: &api.Limits{Rate: m.Config.RateLimit, Burst: m.Config.RateBurst, RequestTimeout: m.Config.RequestTimeout,
			StreamsPerToken: m.Config.MaxStreamsPerToken, Streams: m.Config.MaxStreams},
		Collectors: append(storeMetrics(m.store), m.checkpointer.metrics()...), Clock: m.Config.Clock})

	m.ln, err = net.Listen("tcp", m.Config.HTTP)
	if err != nil {
		return fmt.Errorf("HTTP API: %w", err)
	}
	// No ReadTimeout or WriteTimeout: either would end every event stream
	// once it passed. A body's arrival is bounded per request instead (the
	// API's bodyDeadline), and idle keep-alive connections are let go.
	m.web = web.New(m.api, web.Options{Logger: m.Logger, Clock: m.Config.Clock})
	m.http = &http.Server{Handler: m.web.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := m.http.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("HTTP server stopped", "err", err)
		}
	}()

	// The projector replays the log before the tracker says it is ready;
	// /readyz answers 503 meanwhile.
	bg, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan struct{})
	// The tokens' hashes kept so far are loaded before the log is
	// replayed, so that every token the replay finds signs in at once.
	if err := m.creds.Follow(bg, m.views.Tokens.Credential); err != nil {
		close(m.done)
		return err
	}
	replayBegan, cpuBegan := time.Now(), processCPU()
	go func() {
		defer close(m.done)
		var watching sync.WaitGroup
		if m.server != nil {
			watching.Go(func() { m.server.WatchWrites(bg, writeCheckInterval, m.Logger) })
		}
		watching.Go(func() { m.checkpointer.run(bg) })
		watching.Go(func() { _ = m.rules.Run(bg) })
		_ = m.projector.Run(bg)
		watching.Wait()
	}()
	if err := m.catchUp(ctx); err != nil {
		return err
	}
	m.replayTook, m.replayCPU = time.Since(replayBegan), processCPU()-cpuBegan
	// Webhooks deliver once the views have caught up, which each delivery
	// waits for (recorded_late); each subscription on its own consumer.
	if err := m.webhooks.Run(bg, m.api.WebhookBody); err != nil {
		return err
	}
	if err := m.bootstrapAdmin(ctx); err != nil {
		return err
	}
	// Loading a checkpoint and replaying its tail allocate far more than
	// they keep: hand what was freed back to the system now rather than
	// over the next minutes, so that the server's memory is what it holds.
	debug.FreeOSMemory()
	m.ready.Store(true)
	close(m.readied)
	started := []any{"took", time.Since(began).Round(time.Millisecond), "replayed", m.projector.Applied(),
		"replay_took", m.replayTook.Round(time.Millisecond), "from", "the start of the log"}
	if from != nil {
		started[len(started)-1] = "checkpoint " + from.Name
	}
	m.Logger.Info("started", started...)
	m.Logger.Info("cxtracker serving", "http", "http://"+m.ln.Addr().String(), "dashboard", m.DashboardURL(), "data", m.Config.Data, "nats", m.natsDescription(), "events", m.projector.LastSeq())
	return nil
}

// newReadSide makes the Engine, the views and the projector afresh,
// empty: at start, and again after a checkpoint failed to load into them.
func (m *Main) newReadSide() error {
	var err error
	m.engine, err = events.NewEngine(m.store, events.WithClock(m.Config.Clock))
	if err != nil {
		return err
	}
	if m.views != nil {
		if err := m.views.Close(); err != nil {
			m.Logger.Warn("the feedback item store did not close", "err", err)
		}
	}
	if m.views, err = projections.OpenViews(m.Config.Data); err != nil {
		return err
	}
	m.projector = projections.NewProjector(m.store, m.engine, m.Logger, m.views.Models()...)
	m.rules = rules.New(m.store, m.engine, rules.Options{Clock: m.Config.Clock, Logger: m.Logger, EscalateEvery: m.Config.EscalateEvery, Ready: m.waitReady})
	return nil
}

// openCheckpoints opens the checkpoint bucket, loads the newest checkpoint
// it can trust into the read side, and makes the checkpointer; it answers
// the checkpoint loaded, nil when the whole log is to be replayed.
func (m *Main) openCheckpoints(ctx context.Context) (*jetstream.CheckpointInfo, error) {
	var err error
	if m.checkpoints, err = m.store.Checkpoints(ctx); err != nil {
		return nil, err
	}
	id, err := m.store.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the event log's identity: %w", err)
	}
	from, err := m.restoreNewest(ctx, m.checkpoints, id)
	if err != nil {
		return nil, err
	}
	m.checkpointer = &checkpointer{projector: m.projector, bucket: m.checkpoints, log: m.Logger, clock: m.Config.Clock, identity: id,
		code: codeVersion(), everyEvents: m.Config.CheckpointEveryEvents, every: m.Config.CheckpointEvery, keep: m.Config.CheckpointKeep}
	if from != nil {
		m.checkpointer.seq.Store(from.Seq)
	}
	return from, nil
}

// catchUp waits until the projector has applied the log as it was when it
// began: what /v1 needs before it serves.
func (m *Main) catchUp(ctx context.Context) error {
	if last, err := m.store.LastSeq(ctx); err == nil && last > 0 {
		m.Logger.Info("replaying the event log", "events", last)
	}
	if err := m.projector.WaitCaughtUp(ctx); err != nil {
		return fmt.Errorf("replay the event log: %w", err)
	}
	return nil
}

// openLog connects to NATS and opens the event log on it.
func (m *Main) openLog(ctx context.Context, opts ...jetstream.Option) error {
	if err := m.connect(ctx); err != nil {
		return err
	}
	return m.openStore(ctx, opts...)
}

// openStore opens the event log on the connection.
func (m *Main) openStore(ctx context.Context, opts ...jetstream.Option) error {
	var err error
	opts = append(opts, jetstream.WithLogger(m.Logger))
	if m.server != nil {
		opts = append(opts, jetstream.WithWriteCheck(m.server.WritesFailing))
	}
	m.store, err = jetstream.New(ctx, m.conn, opts...)
	if err != nil {
		return fmt.Errorf("open the event log: %w", err)
	}
	return nil
}

// connect starts the embedded server, or reaches the external one.
func (m *Main) connect(ctx context.Context) error {
	if m.Config.NATSURL != "" {
		opts := []nats.Option{nats.Name("cxtracker"), nats.Timeout(5 * time.Second), nats.MaxReconnects(-1)}
		if m.Config.NATSCreds != "" {
			opts = append(opts, nats.UserCredentials(m.Config.NATSCreds))
		}
		if m.Config.NATSUser != "" {
			opts = append(opts, nats.UserInfo(m.Config.NATSUser, m.Config.NATSPassword))
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
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: m.Config.Data, Listen: m.Config.NATSListen, Logger: m.Logger,
		ListenAuth: m.Config.ListenAuth})
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

// errWritesFailing is what /readyz says while the disk is full: reads are
// still served, writes answer 507.
var errWritesFailing = errors.New("writes are failing: disk full")

// writeCheckInterval is how often the embedded server is asked whether its
// stream takes writes, and, while not, whether the disk has room again.
const writeCheckInterval = time.Second

// started is nil once the start-up (replay and admin token) is done.
func (m *Main) started() error {
	if !m.ready.Load() {
		return errors.New("starting")
	}
	return nil
}

// readiness says whether the tracker can take requests.
func (m *Main) readiness() error {
	if m.conn == nil || !m.conn.IsConnected() {
		return errors.New("not connected to NATS")
	}
	if err := m.projector.Ready(); err != nil {
		return err
	}
	if m.server != nil && m.server.WritesFailing(false) != nil {
		return errWritesFailing
	}
	if !m.ready.Load() {
		return errors.New("starting")
	}
	return nil
}

// HTTPAddr is the address the API listens on.
func (m *Main) HTTPAddr() string { return m.ln.Addr().String() }

// DashboardURL is where a browser opens the dashboard this tracker serves.
func (m *Main) DashboardURL() string { return "http://" + browsable(m.HTTPAddr()) + "/" }

// browsable is a listening address as a browser can open it: an address
// that listens on every interface (":8080", "0.0.0.0:8080", "[::]:8080")
// is opened on localhost.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// NATSClientURL is the embedded server's client listener, "" without one.
func (m *Main) NATSClientURL() string {
	if m.server == nil {
		return ""
	}
	return m.server.ClientURL()
}

// API is the HTTP API, for tests that walk its routes.
func (m *Main) API() *api.Server { return m.api }

// Engine runs commands, for tests and the demo loader.
func (m *Main) Engine() *events.Engine { return m.engine }

// Projector applies the log to the views.
func (m *Main) Projector() *projections.Projector { return m.projector }

// Store is the event log.
func (m *Main) Store() *jetstream.Store { return m.store }

// Close stops taking requests, lets those under way finish, then closes the
// log and the server. It is safe on a Main that did not start fully.
func (m *Main) Close() {
	m.ready.Store(false)
	if m.http != nil {
		m.api.CloseStreams()
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		if err := m.http.Shutdown(ctx); err != nil {
			m.Logger.Warn("HTTP shutdown", "err", err)
		}
		cancel()
	} else if m.ln != nil {
		m.ln.Close()
	}
	if m.cancel != nil {
		m.cancel()
		<-m.done
		m.webhooks.Wait()
		// The projector has stopped: the last checkpoint is of the state
		// as it ends.
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		m.checkpointer.final(ctx)
		cancel()
	}
	if m.views != nil {
		if err := m.views.Close(); err != nil {
			m.Logger.Warn("the feedback item store did not close", "err", err)
		}
	}
	if m.store != nil {
		m.store.Close()
	}
	// Recorded once the appends under way are answered, so the record
	// holds the log's end.
	if m.recorder != nil {
		m.recorder.close()
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
