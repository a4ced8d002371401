package jetstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures the embedded NATS server.
type ServerConfig struct {
	// Dir holds JetStream's files; it is created when missing.
	Dir string
	// Listen, when set (host:port), opens a client listener there so other
	// services can subscribe. Empty means no TCP listener at all: the tracker
	// connects through the in-process connection.
	Listen string
	// ListenAuth secures the listener; beyond loopback it is required.
	// With it or without, outside users may only read (see outsideRights).
	ListenAuth ListenerAuth
	// Logger receives the server's own log lines; nil discards them.
	Logger *slog.Logger
	// StartTimeout bounds how long the server may take to be ready.
	StartTimeout time.Duration
}

// Server is a running embedded NATS server with JetStream.
type Server struct {
	ns   *server.Server
	lock *os.File
	// user and password sign the in-process connection in whenever there
	// is a listener, so that it alone has more than a reader's rights.
	user, password string
	// dir is the data directory; writeErr the CX stream's write error, if
	// any, as last seen (diskfull.go).
	dir        string
	writeErr   atomic.Pointer[error]
	stagedFull atomic.Bool
}

// StartServer starts nats-server in this process with JetStream on file
// storage under cfg.Dir, fsyncing every write before it is acknowledged.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("data directory is empty")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.Dir, err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			lock.Close()
		}
	}()
	opts := &server.Options{
		ServerName: "cxtracker",
		JetStream:  true,
		StoreDir:   dir,
		// SyncAlways makes the server fsync before it acknowledges, so no
		// acknowledged event is lost to a power cut; group commit pays for it.
		SyncAlways: true,
		NoSigs:     true,
		DontListen: true,
	}
	if cfg.Listen != "" {
		host, port, err := splitHostPort(cfg.Listen)
		if err != nil {
			return nil, err
		}
		opts.DontListen, opts.Host, opts.Port = false, host, port
	}
	var user, password string
	if cfg.Listen != "" {
		if user, password, err = secureListener(opts, cfg.Listen, cfg.ListenAuth); err != nil {
			return nil, err
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS server: %w", err)
	}
	fatal := make(chan string, 1)
	ns.SetLoggerV2(&serverLog{log: cfg.Logger, fatal: fatal}, false, false, false)
	ns.Start()

	timeout := cfg.StartTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ready := make(chan bool, 1)
	go func() { ready <- ns.ReadyForConnections(timeout) }()
	select {
	case msg := <-fatal:
		ns.Shutdown()
		return nil, fmt.Errorf("embedded NATS server: %s", msg)
	case ok := <-ready:
		if !ok {
			ns.Shutdown()
			return nil, fmt.Errorf("embedded NATS server not ready within %s", timeout)
		}
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		return nil, errors.New("embedded NATS server started without JetStream")
	}
	started = true
	return &Server{ns: ns, lock: lock, user: user, password: password, dir: dir}, nil
}

// Connect opens a client connection through the in-process pipe, which needs
// no TCP listener.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.InProcessServer(s.ns), nats.Name("cxtracker"), nats.CustomInboxPrefix(InboxPrefix)}, opts...)
	if s.user != "" {
		opts = append(opts, nats.UserInfo(s.user, s.password))
	}
	return nats.Connect("", opts...)
}

// ClientURL is the address of the client listener, or "" when there is none.
func (s *Server) ClientURL() string {
	if s.ns.Addr() == nil {
		return ""
	}
	return s.ns.ClientURL()
}

// Shutdown stops the server and waits until it has stopped.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.lock.Close() // releases the flock
}

// checkWritable creates dir and proves a file can be written in it, so a bad
// --data is one clear error rather than a JetStream failure deep in start-up.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %w", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// unwrapPath drops the path that os errors repeat, since the message names it already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("listen address %q: port must be a number from 0 to 65535", addr)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if port == 0 {
		port = server.RANDOM_PORT // as with net.Listen, 0 asks for any free port
	}
	return host, port, nil
}

// serverLog routes the embedded server's log to slog and turns its fatal
// messages into a start-up error instead of letting them end the process.
type serverLog struct {
	log   *slog.Logger
	fatal chan string
}

func (l *serverLog) logf(level slog.Level, format string, v ...any) {
	if l.log != nil {
		l.log.Log(context.Background(), level, fmt.Sprintf(format, v...), "component", "nats-server")
	}
}

func (l *serverLog) Noticef(format string, v ...any) { l.logf(slog.LevelDebug, format, v...) }

// Warnf logs a warning, but for the server's advice against plaintext
// passwords: it is about passwords written in a configuration file, and the
// listener's passwords live only in this process's memory.
func (l *serverLog) Warnf(format string, v ...any) {
	level := slog.LevelWarn
	if strings.HasPrefix(format, "Plaintext passwords detected") {
		level = slog.LevelDebug
	}
	l.logf(level, format, v...)
}

func (l *serverLog) Errorf(format string, v ...any) { l.logf(slog.LevelError, format, v...) }
func (l *serverLog) Debugf(format string, v ...any) { l.logf(slog.LevelDebug, format, v...) }
func (l *serverLog) Tracef(format string, v ...any) {}

// Fatalf hands the message to StartServer, which returns it as its error.
func (l *serverLog) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	select {
	case l.fatal <- msg:
	default:
	}
}
