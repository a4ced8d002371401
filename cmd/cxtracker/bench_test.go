package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// The benchmarks of the whole tracker, which scripts/bench.sh runs and
// compares: commands over HTTP against raw JetStream publish in the same
// run, the NDJSON import rate, and the latency of a journey map read with
// the demo loaded. They run only with -bench; their setup is in the parent
// benchmark, which runs once, so that the repeated runs measure only the
// operation.

// benchClients is how many concurrent clients the throughput benchmarks use.
const benchClients = 16

// benchHTTP is an HTTP client that keeps a connection per concurrent
// client, as a real client pool would, so that no run measures TCP setup.
func benchHTTP() *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
}

// inParallel runs b.N operations over g goroutines, each op getting its
// goroutine's number and the operation's number, and reports the rate.
func inParallel(b *testing.B, g int, unit string, op func(worker, i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := op(w, int(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// BenchmarkRawPublish16 is the baseline: JetStream synchronous publish of a
// ready-made event from 16 goroutines, on the stream settings the tracker
// uses (file storage, fsync before the ack).
func BenchmarkRawPublish16(b *testing.B) {
	srv := jstest.Server(b, b.TempDir())
	jstest.Open(b, srv) // creates the CX stream
	js, err := natsjs.New(jstest.Conn(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	agg := events.Aggregate{Kind: events.KindPerson, ID: events.NewID()}
	ev, err := events.NewEvent(agg, events.EventPersonRegistered, 1, 1,
		events.PersonRegistered{PersonID: agg.ID, Name: "Ana Ribeiro", Email: "ana.ribeiro@example.com", Department: "Customer Service"},
		events.Meta{Actor: events.NewID(), ActorToken: events.NewID(), CorrelationID: events.NewID()})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := ev.Encode()
	ctx := context.Background()
	b.Run("goroutines=16", func(b *testing.B) {
		inParallel(b, benchClients, "events/s", func(w, _ int) error {
			_, err := js.Publish(ctx, fmt.Sprintf("cx.person.w%d.person_registered", w), data)
			return err
		})
	})
}

// benchTracker is a tracker for a benchmark, without a rate limit since the
// benchmarks measure how fast it goes, and a client with its admin token.
func benchTracker(b *testing.B) (*Main, *client) {
	m := startMain(b, func(c *Config) { c.RateLimit = 0 })
	c := newClient("http://"+m.HTTPAddr(), adminTokenOf(b, m))
	c.http = benchHTTP()
	return m, c
}

// BenchmarkCommandsHTTP16 is commands over HTTP from 16 concurrent clients:
// each registers a person, the whole write path (bind, decide, append with
// its expected sequence, wait for the projections, answer the view).
func BenchmarkCommandsHTTP16(b *testing.B) {
	_, c := benchTracker(b)
	ctx := context.Background()
	var run atomic.Int64
	b.Run("clients=16", func(b *testing.B) {
		r := run.Add(1)
		inParallel(b, benchClients, "commands/s", func(w, i int) error {
			_, err := c.create(ctx, "/v1/people", obj{
				"name": "Customer " + strconv.Itoa(i), "email": fmt.Sprintf("p%d.%d@example.com", r, i), "department": "Sales",
			})
			return err
		})
	})
}

// benchTouchpoints maps a journey with n touchpoints through the engine
// (the import's setup is not what is measured) and answers their ids.
func benchTouchpoints(b *testing.B, m *Main, n int) []string {
	ctx := context.Background()
	meta := events.Meta{Actor: "bench"}
	journey, stage := events.NewID(), events.NewID()
	cmds := []events.Command{
		events.MapJourney{JourneyID: journey, Name: "Benchmark journey"},
		events.AddStage{JourneyID: journey, StageID: stage, Name: "Retention"},
	}
	tps := make([]string, n)
	for i := range tps {
		tps[i] = events.NewID()
		cmds = append(cmds, events.AddTouchpoint{JourneyID: journey, TouchpointID: tps[i], StageID: stage, Name: "Touchpoint " + strconv.Itoa(i), Channel: "phone"})
	}
	for _, cmd := range cmds {
		if _, err := m.Engine().Execute(ctx, cmd, meta); err != nil {
			b.Fatal(err)
		}
	}
	if err := m.Projector().WaitFor(ctx, m.Engine().LastSeq()); err != nil {
		b.Fatal(err)
	}
	return tps
}

// BenchmarkImportNDJSON is the feedback import from one client: NDJSON
// lines spread over 12 touchpoints, as a survey tool's export would come, in
// requests of 1,000 lines and of 10,000 (the demo sends 5,000).
func BenchmarkImportNDJSON(b *testing.B) {
	m, c := benchTracker(b)
	tps := benchTouchpoints(b, m, 12)
	line := func(i int) []byte {
		raw, _ := json.Marshal(obj{
			"touchpoint_id": tps[i%len(tps)], "metric": "nps", "score": i % 11, "segment": "mid_market", "source": "survey",
			"comment": "The agent called me back as promised and solved it on the first call.", "occurred_at": "2026-01-15T10:00:00Z",
		})
		return append(raw, '\n')
	}
	for _, chunk := range []int{1000, 10_000} {
		b.Run(fmt.Sprintf("chunk=%d", chunk), func(b *testing.B) { benchImport(b, c, chunk, line) })
	}
}

// benchImport sends b.N lines in requests of chunk lines.
func benchImport(b *testing.B, c *client, chunk int, line func(int) []byte) {
	ctx := context.Background()
	var body bytes.Buffer
	b.ResetTimer()
	for sent := 0; sent < b.N; {
		b.StopTimer()
		body.Reset()
		n := min(chunk, b.N-sent)
		for i := range n {
			body.Write(line(sent + i))
		}
		b.StartTimer()
		var ans importAnswer
		if err := c.send(ctx, http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body.Bytes(), &ans); err != nil {
			b.Fatal(err)
		}
		if ans.Logged != n {
			b.Fatalf("logged %d of %d lines: %+v", ans.Logged, n, ans.Errors)
		}
		sent += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// benchDemoFeedback is how many feedback items the read benchmark's demo
// holds: the demo's default, unless CXTRACKER_BENCH_FEEDBACK says otherwise.
func benchDemoFeedback() int {
	if n, err := strconv.Atoi(os.Getenv("CXTRACKER_BENCH_FEEDBACK")); err == nil && n >= 0 {
		return n
	}
	return 30_000
}

// BenchmarkJourneyRead is GET /v1/journeys/{id} on the demo program: the
// latency of one client alone, and of each of 16 concurrent clients.
func BenchmarkJourneyRead(b *testing.B) {
	_, c := benchTracker(b)
	ctx := context.Background()
	opt := demoOptions{Seed: 1, Feedback: benchDemoFeedback(), Now: time.Now().UTC().Truncate(24 * time.Hour)}
	start := time.Now()
	res, err := loadDemo(ctx, c, opt, newDemoSteps(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("demo loaded in %s: %s", time.Since(start).Round(time.Millisecond), res)
	path := "/v1/journeys/" + res.JourneyID
	for _, clients := range []int{1, benchClients} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			latencies(b, clients, func(int) error { return c.do(ctx, http.MethodGet, path, nil, nil) })
		})
	}
}

// BenchmarkDashboardPages is each page of the dashboard on the demo
// program, as a signed-in council member: the latency of one browser's
// requests (server time plus loopback) and the page's weight with its
// assets.
func BenchmarkDashboardPages(b *testing.B) {
	m, c := benchTracker(b)
	ctx := context.Background()
	opt := demoOptions{Seed: 1, Feedback: benchDemoFeedback(), Now: time.Now().UTC().Truncate(24 * time.Hour)}
	if _, err := loadDemo(ctx, c, opt, newDemoSteps(io.Discard)); err != nil {
		b.Fatal(err)
	}
	token, _ := personToken(b, c, councilMember)
	s := newBrowserSession(b, "http://"+m.HTTPAddr())
	s.signIn(token)
	for _, page := range dashboardPages(b, s) {
		p := page.Path
		weight := pageWeight(b, s, p)
		b.Run("page="+page.Name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				if a := s.get(p); a.Status != http.StatusOK && a.Status != http.StatusSeeOther {
					b.Fatalf("%s answered %d", p, a.Status)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(weight)/1024, "KB")
		})
	}
}
