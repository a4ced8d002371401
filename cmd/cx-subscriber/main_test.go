package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// scripted appends a small program history: feedback on two touchpoints and
// decisions, mixed with events the subscriber does not follow.
func scripted(t *testing.T, st *jetstream.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		tp := events.Aggregate{Kind: events.KindFeedback, ID: events.NewID()}
		fb, _ := events.NewEvent(tp, events.EventFeedbackLogged, 2, 1, map[string]any{"feedback_id": events.NewID(), "score": i % 11}, events.Meta{})
		ini := events.Aggregate{Kind: events.KindInitiative, ID: events.NewID()}
		dec, _ := events.NewEvent(ini, "initiative_decided", 1, 1, map[string]any{"outcome": "approved"}, events.Meta{})
		crew := events.Aggregate{Kind: events.KindCrew, ID: events.NewID()}
		other, _ := events.NewEvent(crew, "crew_formed", 1, 1, map[string]any{"name": "x"}, events.Meta{})
		for _, a := range []struct {
			agg events.Aggregate
			ev  events.Event
		}{{tp, fb}, {crew, other}, {ini, dec}} {
			if _, err := st.Append(ctx, a.agg, events.ExpectAny(), a.ev); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func seqsOf(out string) []string {
	var seqs []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" {
			seqs = append(seqs, strings.SplitN(line, "\t", 2)[0])
		}
	}
	return seqs
}

func TestSubscriberSeesEveryEventOnceInOrderAcrossARestart(t *testing.T) {
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	st := jstest.Open(t, srv)
	scripted(t, st, 4) // seqs 1..12; followed: 1,3,4,6,7,9,10,12

	cfg, err := parse([]string{"--nats-url", srv.ClientURL(), "--durable", "crm", "--max", "5"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var first bytes.Buffer
	if err := run(ctx, cfg, &first); err != nil {
		t.Fatal(err)
	}
	scripted(t, st, 1) // seqs 13..15, appended while the subscriber is down
	cfg.Max = 5
	var second bytes.Buffer
	if err := run(ctx, cfg, &second); err != nil {
		t.Fatal(err)
	}
	got := append(seqsOf(first.String()), seqsOf(second.String())...)
	want := []string{"1", "3", "4", "6", "7", "9", "10", "12", "13", "15"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the subscriber saw %v across its restart, want %v", got, want)
	}
	if !strings.Contains(first.String(), "cx.feedback.feedback_logged") || !strings.Contains(first.String(), "cx.initiative.initiative_decided") {
		t.Fatalf("the lines do not name the event types: %s", first.String())
	}
}

func TestSubscriberCanStartAtATime(t *testing.T) {
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	st := jstest.Open(t, srv)
	scripted(t, st, 2)
	time.Sleep(20 * time.Millisecond)
	since := time.Now()
	scripted(t, st, 1) // seqs 7..9; followed: 7, 9
	cfg, _ := parse([]string{"--nats-url", srv.ClientURL(), "--durable", "bi", "--since", since.Format(time.RFC3339Nano), "--max", "2"}, func(string) string { return "" })
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(seqsOf(out.String())); got != "[7 9]" {
		t.Fatalf("from a time the subscriber saw %s, want [7 9]", got)
	}
}
