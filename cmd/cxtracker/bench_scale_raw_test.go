package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"cxtracker/events"
)

// rawScale publishes messages as raw JetStream would take the import: to
// a stream beside CX on the tracker's server (file storage, the same
// sync), in atomic batches of events.MaxFeedbackBatch, each message as
// large as the log's first feedback item.
type rawScale struct {
	m    *Main
	js   natsjs.JetStream
	body []byte
}

// rawScaleStream is the stream rawScale publishes to.
const rawScaleStream = "SCALE_RAW"

// newRawScale creates the stream; the log must hold a feedback item.
func newRawScale(ctx context.Context, m *Main) (*rawScale, error) {
	r := &rawScale{m: m}
	err := m.Store().Read(ctx, events.FromSeq(1).Only("cx.feedback.>"), func(rec events.Record) error {
		r.body = rec.Raw
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	if r.js, err = natsjs.New(m.conn); err != nil {
		return nil, err
	}
	_, err = r.js.CreateStream(ctx, natsjs.StreamConfig{Name: rawScaleStream, Subjects: []string{"scaleraw.>"}, Storage: natsjs.FileStorage, AllowAtomicPublish: true})
	return r, err
}

// publish publishes n messages, in atomic batches of at most
// events.MaxFeedbackBatch, one after the other.
func (r *rawScale) publish(ctx context.Context, n int) error {
	for sent := 0; sent < n; {
		size := min(events.MaxFeedbackBatch, n-sent)
		if err := rawBatch(ctx, r.m.conn, r.body, size); err != nil {
			return err
		}
		sent += size
	}
	return nil
}

// close deletes the stream.
func (r *rawScale) close() { _ = r.js.DeleteStream(context.Background(), rawScaleStream) }

// rawBatch publishes size copies of body as one atomic batch and waits for
// its acknowledgement.
func rawBatch(ctx context.Context, nc *nats.Conn, body []byte, size int) error {
	msgs := make([]*nats.Msg, size)
	for i := range msgs {
		msgs[i] = nats.NewMsg("scaleraw.feedback." + strconv.Itoa((i+1)%16))
		msgs[i].Data = body
	}
	ans, err := publishAtomic(ctx, nc, msgs)
	if err == nil && strings.Contains(string(ans.Data), `"error"`) {
		err = fmt.Errorf("raw batch: %s", ans.Data)
	}
	return err
}

// publishAtomic publishes msgs as one atomic batch (ADR-50's headers on
// each, the last one committing it) and answers the server's answer to
// the commit.
func publishAtomic(ctx context.Context, nc *nats.Conn, msgs []*nats.Msg) (*nats.Msg, error) {
	id := nuid.Next()
	for i, msg := range msgs {
		msg.Header.Set("Nats-Batch-Id", id)
		msg.Header.Set("Nats-Batch-Sequence", strconv.Itoa(i+1))
		if i < len(msgs)-1 {
			if err := nc.PublishMsg(msg); err != nil {
				return nil, err
			}
			continue
		}
		msg.Header.Set("Nats-Batch-Commit", "1")
		return nc.RequestMsgWithContext(ctx, msg)
	}
	return nil, errors.New("an empty batch")
}

// restartScale starts the tracker on dir until it is ready, and answers
// its address and resident memory: the binary CXTRACKER_BIN as its own
// process (stopped when the benchmark ends) when set, else a new Main in
// this process.
func restartScale(b *testing.B, dir string) (base string, rss int64) {
	bin := os.Getenv("CXTRACKER_BIN")
	if bin == "" {
		m := startMain(b, func(c *Config) { c.Data, c.RateLimit = dir, 0 })
		return "http://" + m.HTTPAddr(), vmRSS()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--data", dir, "--http", addr, "--rate-limit", "0", "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
	})
	base = "http://" + addr
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			exited <- err // for the clean-up
			b.Fatalf("%s ended before it was ready: %v", bin, err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return base, processRSS(cmd.Process.Pid)
}

// processRSS is a process's resident set size in bytes, read from /proc;
// 0 where there is none.
func processRSS(pid int) int64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
