package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"cxtracker/events"
)

// startMain runs a Main on a fresh data directory and an HTTP port of the
// system's choosing, closed when the test ends.
func startMain(t testing.TB, edit func(*Config)) *Main {
	t.Helper()
	return startMainLogging(t, nil, edit)
}

// startMainLogging is startMain logging to log (nil: nowhere).
func startMainLogging(t testing.TB, log *slog.Logger, edit func(*Config)) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Data, cfg.HTTP = t.TempDir(), "127.0.0.1:0"
	if edit != nil {
		edit(&cfg)
	}
	m := NewMain(cfg, log)
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(m.Close)
	return m
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	m := startMain(t, nil)
	base := "http://" + m.HTTPAddr()
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz answered %d", code)
	}
	if code, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz answered %d", code)
	}
	m.ready.Store(false)
	if code, body := get(t, base+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":503`) {
		t.Errorf("/readyz while starting answered %d %s", code, body)
	}
}

func TestNATSListenLetsOtherServicesSubscribe(t *testing.T) {
	m := startMain(t, func(c *Config) { c.NATSListen = "127.0.0.1:0" })
	if m.NATSClientURL() == "" {
		t.Fatal("no client listener was opened")
	}
	nc, err := nats.Connect(m.NATSClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync("cx.crew.>")
	if err != nil {
		t.Fatal(err)
	}
	nc.Flush()
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	ev, _ := events.NewEvent(agg, "crew_formed", 1, 1, map[string]string{"name": "Experience"}, events.Meta{})
	if _, err := m.Store().Append(context.Background(), agg, events.ExpectNew(), ev); err != nil {
		t.Fatal(err)
	}
	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatalf("the outside subscriber saw nothing: %v", err)
	}
	if msg.Subject != agg.Subject("crew_formed") || msg.Header.Get("Nats-Msg-Id") != ev.ID {
		t.Fatalf("the outside subscriber saw %s %v", msg.Subject, msg.Header)
	}
}

// plainNATS is a plain nats-server with JetStream, as an operator runs
// one for --nats-url: the embedded server's own listener gives outside
// users a reader's rights only, so it cannot stand in for one.
func plainNATS(t *testing.T) *server.Server {
	t.Helper()
	ext, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	ext.Start()
	t.Cleanup(func() { ext.Shutdown(); ext.WaitForShutdown() })
	if !ext.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	return ext
}

func TestNATSURLUsesAnExternalServerAndStartsNone(t *testing.T) {
	ext := plainNATS(t)
	data := filepath.Join(t.TempDir(), "unused")
	m := startMain(t, func(c *Config) { c.NATSURL, c.Data = ext.ClientURL(), data })
	if m.server != nil {
		t.Fatal("an embedded server was started beside --nats-url")
	}
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	ev, _ := events.NewEvent(agg, "crew_formed", 1, 1, map[string]string{"name": "Platform"}, events.Meta{})
	res, err := m.Store().Append(context.Background(), agg, events.ExpectNew(), ev)
	if err != nil || res.LastSeq != 2 { // after the admin token's event
		t.Fatalf("append through --nats-url: %+v %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(data, "jetstream")); !os.IsNotExist(err) {
		t.Errorf("JetStream files were written locally with --nats-url (%v)", err)
	}
}

func TestEnvironmentSetsEveryFlagAndFlagsWin(t *testing.T) {
	env := map[string]string{
		"CXTRACKER_DATA": "/srv/cx", "CXTRACKER_HTTP": ":9000", "CXTRACKER_REPLICAS": "3",
		"CXTRACKER_NATS_URL": "nats://a:4222", "CXTRACKER_LOG_LEVEL": "debug", "CXTRACKER_SHUTDOWN_TIMEOUT": "3s",
	}
	cfg, err := ParseServe([]string{"--http", ":9001"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != "/srv/cx" || cfg.HTTP != ":9001" || cfg.Replicas != 3 || cfg.NATSURL != "nats://a:4222" || cfg.LogLevel.String() != "DEBUG" || cfg.ShutdownTimeout != 3*time.Second {
		t.Fatalf("parsed %+v", cfg)
	}
	if EnvName("nats-tls-ca") != "CXTRACKER_NATS_TLS_CA" {
		t.Errorf("EnvName gave %s", EnvName("nats-tls-ca"))
	}
}

func TestBadStartsSayOneLineAndExitNonZero(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "nats://" + dead.Addr().String()
	dead.Close()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		says string
	}{
		{"data not writable", []string{"serve", "--data", filepath.Join(file, "sub"), "--http", "127.0.0.1:0"}, nil, 1, "cannot be created"},
		{"HTTP port in use", []string{"serve", "--data", t.TempDir(), "--http", busy.Addr().String()}, nil, 1, "address already in use"},
		{"NATS port in use", []string{"serve", "--data", t.TempDir(), "--http", "127.0.0.1:0", "--nats-listen", busy.Addr().String()}, nil, 1, "address already in use"},
		{"unreachable NATS", []string{"serve", "--nats-url", deadURL, "--http", "127.0.0.1:0"}, nil, 1, "cannot reach NATS"},
		{"bad replicas", []string{"serve", "--replicas", "0"}, nil, 2, "--replicas must be"},
		{"bad variable", []string{"serve"}, map[string]string{"CXTRACKER_REPLICAS": "many"}, 2, "CXTRACKER_REPLICAS"},
		{"unknown flag", []string{"serve", "--colour"}, nil, 2, "colour"},
		{"unknown command", []string{"launch"}, nil, 2, `unknown command "launch"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(tc.args, func(k string) string { return tc.env[k] }, io.Discard, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			first, _, _ := strings.Cut(stderr.String(), "\n")
			if !strings.Contains(first, tc.says) || strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("stderr %q does not say %q on its first line", stderr.String(), tc.says)
			}
		})
	}
}

// mainEnv makes the test binary run main() instead of the tests.
const mainEnv = "CXTRACKER_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) != "" {
		main()
	}
	os.Exit(m.Run())
}

func TestSIGTERMShutsDownCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "serve", "--data", t.TempDir(), "--http", "127.0.0.1:0")
			cmd.Env = append(os.Environ(), mainEnv+"=1")
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stderr)
			for lines.Scan() && !strings.Contains(lines.Text(), "cxtracker serving") {
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var rest strings.Builder
			for lines.Scan() {
				fmt.Fprintln(&rest, lines.Text())
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after %s: %v (%s)", sig, err, rest.String())
			}
			if !strings.Contains(rest.String(), "stopped") {
				t.Fatalf("no clean stop logged: %s", rest.String())
			}
		})
	}
}

func TestAnOpenEventStreamDoesNotHoldUpShutdown(t *testing.T) {
	m := startMain(t, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://"+m.HTTPAddr()+"/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+adminTokenOf(t, m))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	m.Close()
	if took := time.Since(start); took >= m.Config.ShutdownTimeout {
		t.Fatalf("shutdown with a stream open took %s, the whole shutdown timeout", took)
	}
}
