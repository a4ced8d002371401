package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// externalNATS builds nats-server from the module this project depends on
// and runs it as a separate process that requires a user, a password and
// TLS, as a production cluster would. It answers the server's URL and its
// certificate (the CA to trust).
func externalNATS(t *testing.T) (url, ca string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs nats-server")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nats-server")
	build := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build nats-server: %v\n%s", err, out)
	}
	cert, key := jstest.SelfSigned(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(dir, "nats.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`listen: "127.0.0.1:%d"
jetstream { store_dir: %q, sync_interval: always }
authorization { users: [ { user: "cx", password: "s3cret" } ] }
tls { cert_file: %q, key_file: %q }
`, port, filepath.Join(dir, "js"), cert, key)), 0o600)
	srv := exec.Command(bin, "-c", conf)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server did not listen: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Sprintf("tls://127.0.0.1:%d", port), cert
}

func TestServeOnAnExternalServerThatRequiresCredentialsAndTLS(t *testing.T) {
	url, ca := externalNATS(t)
	m := startMain(t, func(c *Config) { c.NATSURL, c.NATSUser, c.NATSPassword, c.NATSTLSCA = url, "cx", "s3cret", ca })
	agg := events.Aggregate{Kind: events.KindCrew, ID: events.NewID()}
	ev, _ := events.NewEvent(agg, "crew_formed", 1, 1, map[string]string{"name": "Platform"}, events.Meta{})
	res, err := m.Store().Append(context.Background(), agg, events.ExpectNew(), ev)
	if err != nil || res.LastSeq < 2 {
		t.Fatalf("append on the external server: %+v %v", res, err)
	}
	for name, edit := range map[string]func(*Config){
		"no credentials":    func(c *Config) { c.NATSURL, c.NATSTLSCA = url, ca },
		"a wrong password":  func(c *Config) { c.NATSURL, c.NATSUser, c.NATSPassword, c.NATSTLSCA = url, "cx", "guess", ca },
		"an untrusted cert": func(c *Config) { c.NATSURL, c.NATSUser, c.NATSPassword = url, "cx", "s3cret" },
	} {
		cfg := DefaultConfig()
		cfg.Data, cfg.HTTP = t.TempDir(), "127.0.0.1:0"
		edit(&cfg)
		err := NewMain(cfg, nil).Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "cannot reach NATS") {
			t.Errorf("%s: start answered %v, want a refusal", name, err)
		}
	}
}
