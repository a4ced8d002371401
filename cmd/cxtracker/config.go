package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// Config is everything the server can be told, with its defaults. Each field
// is set by a flag and, where the flag is not given, by the environment
// variable CXTRACKER_<FLAG> (upper case, dashes as underscores).
type Config struct {
	// Data is the directory of the embedded server's JetStream files and of
	// the tracker's own state.
	Data string
	// HTTP is the address the JSON API listens on.
	HTTP string
	// NATSListen, when set, opens a client listener on the embedded server.
	NATSListen string
	// ListenAuth secures the listener: required beyond loopback.
	ListenAuth jetstream.ListenerAuth
	// NATSURL, when set, connects to that server or cluster instead of
	// starting the embedded one.
	NATSURL      string
	NATSUser     string
	NATSPassword string
	NATSCreds    string
	NATSTLSCert  string
	NATSTLSKey   string
	NATSTLSCA    string
	// Replicas is how many replicas the CX stream has on a cluster.
	Replicas int
	// ShutdownTimeout bounds a clean shutdown.
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
	// Limits are the API's rate limit per token and request timeout.
	RateLimit      float64
	RateBurst      int
	RequestTimeout time.Duration
	// MaxStreamsPerToken and MaxStreams cap the event streams open at once.
	MaxStreamsPerToken, MaxStreams int
	// CheckpointEveryEvents and CheckpointEvery say how often a checkpoint
	// of the state is taken in the background (0 turns either off; one is
	// also taken at a clean shutdown); CheckpointKeep how many are kept.
	CheckpointEveryEvents uint64
	CheckpointEvery       time.Duration
	// EscalateEvery is how often the follow-up rules' manager looks for
	// overdue follow-ups to escalate; never when negative.
	EscalateEvery  time.Duration
	CheckpointKeep int
	// Pprof is a loopback address to serve Go's profiles on (see
	// servePprof); "" (the default) serves none.
	Pprof string
	// AdminToken is CXTRACKER_ADMIN_TOKEN: a token to register as the
	// administrator's. It has no flag, so that it never shows in a process list.
	AdminToken string
	// Clock is the tracker's one source of the time of day (nil: the system
	// clock); tests pin it. It has no flag.
	Clock events.Clock
}

// maxStreams is the most event streams --max-streams allows: each holds one
// of the CX stream's 1,000 consumers, and the rest are kept for the
// projector and the audit reads.
const maxStreams = 768

// DefaultConfig is the configuration of a newcomer's first run: an embedded
// server with its files in ./cxdata, the API on the loopback interface.
func DefaultConfig() Config {
	return Config{
		Data:            "cxdata",
		HTTP:            "127.0.0.1:8080",
		Replicas:        1,
		ShutdownTimeout: 10 * time.Second,
		LogLevel:        slog.LevelInfo,
		RateLimit:       100,
		RateBurst:       200,
		RequestTimeout:  30 * time.Second,

		MaxStreamsPerToken: api.DefaultStreamsPerToken,
		MaxStreams:         api.DefaultStreams,

		CheckpointEveryEvents: 50_000,
		CheckpointEvery:       10 * time.Minute,
		EscalateEvery:         time.Minute,
		CheckpointKeep:        3,
	}
}

// ParseServe fills a Config for `cxtracker serve` from args and the
// environment (getenv), flags winning over variables.
func ParseServe(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := newFlagSet("serve", usage)
	c.logFlags(fs)
	fs.StringVar(&c.HTTP, "http", c.HTTP, "address of the HTTP JSON API")
	fs.StringVar(&c.NATSListen, "nats-listen", c.NATSListen, "also open a NATS client listener here (host:port) on the embedded server")
	fs.StringVar(&c.ListenAuth.User, "nats-listen-user", "", "user other services sign in to the listener with")
	fs.StringVar(&c.ListenAuth.Password, "nats-listen-password", "", "that user's password (better set as CXTRACKER_NATS_LISTEN_PASSWORD)")
	fs.StringVar(&c.ListenAuth.NKey, "nats-listen-nkey", "", "public nkey of a service allowed on the listener")
	fs.StringVar(&c.ListenAuth.TLSCert, "nats-listen-tls-cert", "", "TLS certificate of the listener")
	fs.StringVar(&c.ListenAuth.TLSKey, "nats-listen-tls-key", "", "TLS key of the listener")
	fs.IntVar(&c.Replicas, "replicas", c.Replicas, "replicas of the CX stream on a cluster")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long a clean shutdown may take")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second one API token may send (0: no limit)")
	fs.IntVar(&c.RateBurst, "rate-burst", c.RateBurst, "requests one API token may send at once")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "how long one API request may work")
	fs.IntVar(&c.MaxStreamsPerToken, "max-streams-per-token", c.MaxStreamsPerToken, "event streams one API token may have open at once")
	fs.IntVar(&c.MaxStreams, "max-streams", c.MaxStreams, fmt.Sprintf("event streams open at once in all (at most %d)", maxStreams))
	fs.Uint64Var(&c.CheckpointEveryEvents, "checkpoint-every-events", c.CheckpointEveryEvents, "take a checkpoint of the state after this many events (0: not by count)")
	fs.DurationVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "take a checkpoint of the state this often when events came (0: not by time)")
	fs.DurationVar(&c.EscalateEvery, "escalate-every", c.EscalateEvery, "look for overdue follow-ups to escalate this often (negative: never)")
	fs.IntVar(&c.CheckpointKeep, "checkpoint-keep", c.CheckpointKeep, "how many checkpoints to keep")
	fs.StringVar(&c.Pprof, "pprof", "", "serve Go's profiles (/debug/pprof/) on this loopback address (host:port); off when empty")
	if err := parseFlags(fs, args, getenv); err != nil {
		return Config{}, err
	}
	c.AdminToken = getenv("CXTRACKER_ADMIN_TOKEN")
	return c, c.Validate()
}

// newFlagSet is a command's flag set, its usage naming the variables.
func newFlagSet(cmd string, usage io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cxtracker "+cmd, flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {
		fmt.Fprintf(usage, "Usage: cxtracker %s [flags]\n\nEvery flag can also be set as CXTRACKER_<FLAG>, e.g. CXTRACKER_NATS_URL.\n\n", cmd)
		fs.PrintDefaults()
	}
	return fs
}

// logFlags are the flags that say where the event log is: every command
// that opens it takes them.
func (c *Config) logFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", c.Data, "directory for the event log and the tracker's files")
	fs.StringVar(&c.NATSURL, "nats-url", c.NATSURL, "use this NATS server or cluster instead of the embedded one")
	fs.StringVar(&c.NATSCreds, "nats-creds", c.NATSCreds, "credentials file for --nats-url")
	fs.StringVar(&c.NATSUser, "nats-user", c.NATSUser, "user for --nats-url")
	fs.StringVar(&c.NATSPassword, "nats-password", c.NATSPassword, "password for --nats-url (better set as CXTRACKER_NATS_PASSWORD)")
	fs.StringVar(&c.NATSTLSCert, "nats-tls-cert", c.NATSTLSCert, "client certificate for --nats-url")
	fs.StringVar(&c.NATSTLSKey, "nats-tls-key", c.NATSTLSKey, "client key for --nats-url")
	fs.StringVar(&c.NATSTLSCA, "nats-tls-ca", c.NATSTLSCA, "CA certificates to trust for --nats-url")
}

// parseFlags fills fs from the environment, then from args, which win; the
// commands of this binary take no arguments besides flags.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fromEnv(fs, getenv); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", fs.Name(), strings.Join(fs.Args(), " "))
	}
	return nil
}

// fromEnv sets each flag from its CXTRACKER_* variable, before the command
// line is parsed so that flags win.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		if v := getenv(name); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", name, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	return "CXTRACKER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Validate checks what can be checked before anything starts.
func (c Config) Validate() error {
	var errs []error
	if c.NATSURL == "" && c.Data == "" {
		errs = append(errs, errors.New("--data is empty"))
	}
	if c.HTTP == "" {
		errs = append(errs, errors.New("--http is empty"))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("--replicas must be from 1 to 5, not %d", c.Replicas))
	}
	if c.NATSURL != "" && c.NATSListen != "" {
		errs = append(errs, errors.New("--nats-listen opens a listener on the embedded server, which --nats-url does not start"))
	}
	if (c.NATSUser == "") != (c.NATSPassword == "") {
		errs = append(errs, errors.New("--nats-user and --nats-password go together"))
	}
	if c.NATSURL == "" && (c.NATSCreds != "" || c.NATSUser != "" || c.NATSTLSCert != "" || c.NATSTLSKey != "" || c.NATSTLSCA != "") {
		errs = append(errs, errors.New("--nats-creds and --nats-tls-* go with --nats-url"))
	}
	if (c.NATSTLSCert == "") != (c.NATSTLSKey == "") {
		errs = append(errs, errors.New("--nats-tls-cert and --nats-tls-key go together"))
	}
	if c.RateLimit < 0 || c.RateBurst < 1 || c.RequestTimeout <= 0 {
		errs = append(errs, errors.New("--rate-limit must be 0 or more, --rate-burst at least 1, --request-timeout positive"))
	}
	if c.MaxStreamsPerToken < 1 || c.MaxStreams < 1 || c.MaxStreams > maxStreams {
		errs = append(errs, fmt.Errorf("--max-streams-per-token must be at least 1, --max-streams from 1 to %d", maxStreams))
	}
	if c.CheckpointEvery < 0 || c.CheckpointKeep < 1 {
		errs = append(errs, errors.New("--checkpoint-every must be 0 or more, --checkpoint-keep at least 1"))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("--shutdown-timeout must be positive"))
	}
	return errors.Join(errs...)
}
