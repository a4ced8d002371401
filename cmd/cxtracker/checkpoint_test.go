package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// logLines collects a Main's log, for tests that count its lines.
type logLines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// logger writes to l from level info up.
func (l *logLines) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// count is how many lines say s.
func (l *logLines) count(s string) int { return strings.Count(l.String(), s) }

// startLogged starts a Main on dir as startMain does, keeping its log.
func startLogged(t *testing.T, dir string, edit func(*Config)) (*Main, *logLines) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Data, cfg.HTTP = dir, "127.0.0.1:0"
	if edit != nil {
		edit(&cfg)
	}
	lines := &logLines{}
	m := NewMain(cfg, lines.logger())
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, lines)
	}
	t.Cleanup(m.Close)
	return m, lines
}

// offline opens dir's log on a bare embedded server, the tracker stopped,
// and hands fn its checkpoint bucket: as the object store it is, and as
// the tracker keeps it.
func offline(t testing.TB, dir string, fn func(raw natsjs.ObjectStore, kept *jetstream.Checkpoints)) {
	t.Helper()
	ctx := context.Background()
	nc, done := bareConn(t, dir)
	defer done()
	st, err := jetstream.New(ctx, nc, jetstream.ExistingStream())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kept, err := st.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := natsjs.New(nc)
	raw, err := js.ObjectStore(ctx, jetstream.CheckpointsBucket)
	if err != nil {
		t.Fatal(err)
	}
	fn(raw, kept)
}

// bareConn starts a bare embedded server on dir's log, the tracker
// stopped, and connects to it; done closes both.
func bareConn(t testing.TB, dir string) (nc *nats.Conn, done func()) {
	t.Helper()
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, err = srv.Connect()
	if err != nil {
		srv.Shutdown()
		t.Fatal(err)
	}
	return nc, func() { nc.Close(); srv.Shutdown() }
}

// checkpointsIn lists dir's checkpoints, newest first, each read whole.
func checkpointsIn(t testing.TB, dir string) ([]jetstream.CheckpointInfo, []*projections.Checkpoint) {
	t.Helper()
	var infos []jetstream.CheckpointInfo
	var cps []*projections.Checkpoint
	offline(t, dir, func(_ natsjs.ObjectStore, kept *jetstream.Checkpoints) {
		list, err := kept.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range list {
			data, err := kept.Load(context.Background(), info)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := projections.ReadCheckpoint(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			infos, cps = append(infos, info), append(cps, cp)
		}
	})
	return infos, cps
}

// deleteCheckpoints deletes dir's checkpoints that drop names.
func deleteCheckpoints(t testing.TB, dir string, drop func(jetstream.CheckpointInfo) bool) {
	t.Helper()
	offline(t, dir, func(raw natsjs.ObjectStore, kept *jetstream.Checkpoints) {
		list, _ := kept.List(context.Background())
		for _, info := range list {
			if drop(info) {
				if err := raw.Delete(context.Background(), info.Name); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// A clean shutdown leaves a checkpoint, from which the next start replays
// nothing; a start from an older checkpoint replays only the tail; and
// both reach what a start with no checkpoint reaches by replaying the whole
// log: every read the same, the same digest, the same checkpoint bytes.
func TestAStartFromACheckpointReplaysOnlyTheTailAndEqualsAFullReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	loadDemoInto(t, dir, "7")
	infos, _ := checkpointsIn(t, dir)
	if len(infos) != 1 {
		t.Fatalf("the demo's clean shutdown left %d checkpoints, want 1", len(infos))
	}
	demo := infos[0]

	m, lines := startLogged(t, dir, nil)
	if n := m.Projector().Applied(); n != 0 || m.Projector().LastSeq() != demo.Seq || lines.count("from=\"checkpoint "+demo.Name+"\"") != 1 {
		t.Fatalf("a start after a clean shutdown replayed %d events to seq %d, want none from %s:\n%s", n, m.Projector().LastSeq(), demo.Name, lines)
	}
	for i := range 3 {
		registerPerson(t, m, fmt.Sprintf("Tail %d", i))
	}
	m.Close()
	deleteCheckpoints(t, dir, func(i jetstream.CheckpointInfo) bool { return i.Seq > demo.Seq })

	m, lines = startLogged(t, dir, nil)
	if n := m.Projector().Applied(); n != 3 || lines.count("from=\"checkpoint "+demo.Name+"\"") != 1 {
		t.Fatalf("a start from %s replayed %d events, want the 3 after it:\n%s", demo.Name, n, lines)
	}
	token := adminTokenOf(t, m)
	fromTail, tailDigest := getAll(t, m, token), m.Projector().Digest()
	m.Close()
	_, cps := checkpointsIn(t, dir)
	fromTailCheckpoint := cps[0]
	deleteCheckpoints(t, dir, func(jetstream.CheckpointInfo) bool { return true })

	m, lines = startLogged(t, dir, nil)
	if n, last := m.Projector().Applied(), m.Projector().LastSeq(); n != last || lines.count(`from="the start of the log"`) != 1 {
		t.Fatalf("a start without checkpoints replayed %d of %d events:\n%s", n, last, lines)
	}
	full, fullDigest := getAll(t, m, token), m.Projector().Digest()
	m.Close()
	_, cps = checkpointsIn(t, dir)
	if diff := cps[0].Differences(fromTailCheckpoint); len(diff) > 0 || cps[0].Seq != fromTailCheckpoint.Seq {
		t.Fatalf("at seq %d, a full replay and a checkpoint with its tail differ in %s", cps[0].Seq, strings.Join(diff, "; "))
	}
	if tailDigest != fullDigest {
		t.Fatalf("the digest from a checkpoint and its tail is %s, from a full replay %s", tailDigest, fullDigest)
	}
	if len(full) < 30 {
		t.Fatalf("only %d reads", len(full))
	}
	for path, want := range full {
		if fromTail[path] != want {
			t.Errorf("GET %s answers differently from a checkpoint and its tail than from a full replay:\nfull %.300s\ntail %.300s", path, want, fromTail[path])
		}
	}
}

// twoCheckpoints writes people on dir over two runs, each ending cleanly
// with a checkpoint, and answers the two (older first) and the views as
// the second run left them.
func twoCheckpoints(t *testing.T, dir string) (older, newer jetstream.CheckpointInfo, views []byte) {
	t.Helper()
	for run := range 2 {
		m, _ := startLogged(t, dir, nil)
		for i := range 3 {
			registerPerson(t, m, fmt.Sprintf("Run %d person %d", run, i))
		}
		if run == 1 {
			views, _ = json.Marshal(m.views.Snapshot())
		}
		m.Close()
	}
	infos, _ := checkpointsIn(t, dir)
	if len(infos) != 2 {
		t.Fatalf("%d checkpoints, want 2", len(infos))
	}
	return infos[1], infos[0], views
}

// A checkpoint that is damaged, of another format, or does not decode is
// skipped with one log line, and the start goes on from the next older one
// to the same state.
func TestACheckpointThatCannotBeTrustedIsSkippedWithOneLogLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// spoil replaces the newest checkpoint's bytes and metadata.
		spoil func(data []byte, md map[string]string) []byte
		says  string
	}{
		{"a byte flipped", func(data []byte, _ map[string]string) []byte {
			data[len(data)/2] ^= 0x40
			return data
		}, "checkpoint damaged"},
		{"another format", func(data []byte, md map[string]string) []byte {
			md["format"] = fmt.Sprint(projections.CheckpointFormat + 1)
			return data
		}, "this version reads format"},
		{"does not decode", func(_ []byte, md map[string]string) []byte {
			junk := []byte("not a checkpoint at all")
			md["sha256"] = sha256Hex(junk)
			return junk
		}, "not a checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			older, newer, views := twoCheckpoints(t, dir)
			offline(t, dir, func(raw natsjs.ObjectStore, kept *jetstream.Checkpoints) {
				data, err := kept.Load(ctx, newer)
				if err != nil {
					t.Fatal(err)
				}
				info, err := raw.GetInfo(ctx, newer.Name)
				if err != nil {
					t.Fatal(err)
				}
				meta := info.ObjectMeta
				data = tc.spoil(data, meta.Metadata)
				// The object replaced under its metadata, as a bad disk or
				// hand would leave it.
				if _, err := raw.Put(ctx, meta, bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
			})
			m, lines := startLogged(t, dir, nil)
			if n := lines.count("checkpoint skipped"); n != 1 || !strings.Contains(lines.String(), tc.says) {
				t.Fatalf("%d lines say the checkpoint was skipped, want 1 saying %q:\n%s", n, tc.says, lines)
			}
			if n := m.Projector().Applied(); n != newer.Seq-older.Seq || lines.count("from=\"checkpoint "+older.Name+"\"") != 1 {
				t.Fatalf("the start replayed %d events, want %d from %s:\n%s", n, newer.Seq-older.Seq, older.Name, lines)
			}
			if got, _ := json.Marshal(m.views.Snapshot()); !bytes.Equal(got, views) {
				t.Fatalf("the start reached another state:\n%s\n---\n%s", got, views)
			}
		})
	}
}

// cxtracker verify checks every kept checkpoint against a replay of the
// log, and names one that differs from it.
func TestVerifyNamesACheckpointThatDiffersFromTheLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	_, newer, _ := twoCheckpoints(t, dir)
	code, out, errs := runVerify(t, "--data", dir)
	if code != 0 || !strings.Contains(out, "2 checkpoints match") {
		t.Fatalf("verify answered %d: %s %s", code, out, errs)
	}
	// A checkpoint like the newest, but with another digest of the log.
	offline(t, dir, func(_ natsjs.ObjectStore, kept *jetstream.Checkpoints) {
		data, err := kept.Load(ctx, newer)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := projections.ReadCheckpoint(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		first := "0"
		if cp.Digest[0] == '0' {
			first = "1"
		}
		cp.Digest = first + cp.Digest[1:]
		if _, err := kept.Keep(ctx, jetstream.CheckpointInfo{Seq: cp.Seq, Digest: cp.Digest, Format: cp.Format, Code: cp.Code, Created: cp.Created}, cp); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errs = runVerify(t, "--data", dir)
	if code != 1 || !strings.Contains(errs, "checkpoint "+newer.Name) || !strings.Contains(errs, "the log's digest") || strings.Contains(errs, "read model") {
		t.Fatalf("verify answered %d, want it to name %s and its digest alone: %s %s", code, newer.Name, out, errs)
	}
}

// Checkpoints taken again and again while 16 writers write fail no write,
// and each agrees with the log (verify).
func TestCheckpointsTakenWhileSixteenWritersWriteFailNoWriteAndAgreeWithTheLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, lines := startLogged(t, dir, func(c *Config) { c.CheckpointEveryEvents, c.CheckpointKeep = 40, 5 })
	ctx := context.Background()
	var writers sync.WaitGroup
	errs := make(chan error, 16*25)
	for w := range 16 {
		writers.Go(func() {
			for i := range 25 {
				id := events.NewID()
				_, err := m.Engine().Execute(ctx, events.RegisterPerson{PersonID: id, Name: fmt.Sprintf("Writer %d %d", w, i), Email: id + "@example.com", Department: "Sales"}, events.Meta{Actor: "test"})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	taking := make(chan struct{})
	go func() {
		defer close(taking)
		for range 10 {
			m.checkpointer.take(ctx, "test")
		}
	}()
	writers.Wait()
	<-taking
	close(errs)
	for err := range errs {
		t.Errorf("a write failed while checkpoints were taken: %v", err)
	}
	if f, n := m.checkpointer.failed.Load(), m.checkpointer.taken.Load(); f > 0 || n < 2 {
		t.Fatalf("%d checkpoints failed, %d were taken:\n%s", f, n, lines)
	}
	m.Close()
	code, out, stderr := runVerify(t, "--data", dir)
	if code != 0 || !strings.Contains(out, "5 checkpoints match") {
		t.Fatalf("verify answered %d: %s %s", code, out, stderr)
	}
}
