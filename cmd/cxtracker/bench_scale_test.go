package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The scale benchmarks (BenchmarkScale) measure the tracker with many
// feedback items: the demo's program with no feedback of its own, then
// CXTRACKER_SCALE_ITEMS items (scaleItems) imported through
// POST /v1/feedback/import in requests of 10,000 lines, spread over the
// demo journey's touchpoints, the three metrics and the year before now.
// The parent measures, once:
//
//	import   the import's rate (items/s), each request timed until a list
//	         has answered after it (lists wait for the item store), and
//	         raw JetStream publishing as many messages of the same size to
//	         a stream beside CX on the same server, in atomic batches of
//	         1,000 (the most one holds, and what the import appends), in
//	         turns with the import's requests
//	import-floor  the least the tracker could do for the same items, in
//	         turns with both: their events built and published as the
//	         store publishes them, in atomic batches of 1,000, with no
//	         checks, projector or item store (floorScale), its rate and
//	         its ratio to raw's in the same run
//	restart  a clean shutdown, then a start until ready (ms): of the
//	         binary CXTRACKER_BIN as its own process when set (bench.sh
//	         builds it), else of a new Main in this process
//	rss      the restarted server's VmRSS once ready, in MB (in this
//	         process's, when restarted in it: that holds the benchmark too)
//
// then each sub-benchmark measures one figure on the restarted tracker:
//
//	list         GET /v1/feedback?journey&metric&from&to (one month), one
//	             client, p50/p99
//	report-year  GET /v1/reports/council for the last year
//	journey-map  GET /v1/journeys/{id}, 16 clients, p50/p99
//	program      GET /v1/program, 16 clients, p50/p99
//
// CXTRACKER_SCALE_DIR keeps the data directory there instead of in a
// temporary one: a first run imports into it, and a later run that finds
// a log there skips the import (and its figure) and measures the restart
// and the reads on it, to compare restarts of two builds on one log. Such
// a restart is not one "right after the import": the server then has no
// duplicate window left to rebuild.

// scaleChunk is how many lines each import request carries.
const scaleChunk = 10_000

// scaleItems is how many feedback items the scale benchmarks import:
// CXTRACKER_SCALE_ITEMS, or 20,000 (scripts/bench.sh's scale section sets
// 1,000,000).
func scaleItems() int {
	if n, err := strconv.Atoi(os.Getenv("CXTRACKER_SCALE_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

// scaleComments are the comments the imported items carry, in turn; one
// item in three has none.
var scaleComments = []string{
	"The agent called me back as promised and solved it on the first call.",
	"Checkout asked for my address twice.",
	"",
	"Delivery was a day late and nobody told me.",
	"Easy to find what I needed.",
	"",
}

// scaleLine is the import line of item i: its touchpoint, metric and score
// turn with i, and it occurred on one of the 365 days before now.
func scaleLine(tps []string, now time.Time, i int) []byte {
	metric := []string{"nps", "csat", "ces"}[i%3]
	score := map[string]int{"nps": i % 11, "csat": 1 + i%5, "ces": 1 + i%7}[metric]
	at := now.Add(-time.Duration((i*7919)%(365*24)) * time.Hour).Add(-time.Duration(i%3600) * time.Second)
	raw, _ := json.Marshal(obj{
		"touchpoint_id": tps[(i/3)%len(tps)], "metric": metric, "score": score, "segment": []string{"smb", "mid_market", "enterprise"}[(i/7)%3],
		"source": "survey", "comment": scaleComments[i%len(scaleComments)], "occurred_at": at.Format(time.RFC3339),
	})
	return append(raw, '\n')
}

// vmRSS is this process's resident set size in bytes after a garbage
// collection; 0 where there is no /proc.
func vmRSS() int64 {
	runtime.GC()
	return processRSS(os.Getpid())
}

// latencies runs b.N reads over clients goroutines, and at least
// minLatencyReads (a p99 of 200 reads is their second slowest, which one
// pause decides), and reports their p50 and p99 in milliseconds and their
// rate.
func latencies(b *testing.B, clients int, read func(i int) error) {
	n := max(b.N, minLatencyReads)
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				t0 := time.Now()
				if err := read(i + 1); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	took := time.Since(began)
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[n/2]), "p50-ms")
	b.ReportMetric(ms(lat[n*99/100]), "p99-ms")
	b.ReportMetric(float64(n)/took.Seconds(), "reads/s")
}

// minLatencyReads is the fewest reads latencies measures.
const minLatencyReads = 3000

// BenchmarkScale loads the demo program and imports scaleItems feedback
// items, restarts the tracker, then measures each figure of the scale
// section (see above).
func BenchmarkScale(b *testing.B) {
	dir := os.Getenv("CXTRACKER_SCALE_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else if _, err := os.Stat(filepath.Join(dir, "log.json")); err == nil {
		benchScaleRestart(b, dir)
		return
	}
	m := startMain(b, func(c *Config) { c.Data, c.RateLimit = dir, 0 })
	c := newClient("http://"+m.HTTPAddr(), adminTokenOf(b, m))
	c.http = benchHTTP()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(24 * time.Hour)
	res, err := loadDemo(ctx, c, demoOptions{Seed: 1, Feedback: 0, Now: now}, newDemoSteps(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	tps := journeyTouchpoints(b, c, res.JourneyID)
	n := scaleItems()

	// The import and raw JetStream take turns, request by request, so
	// that the two are measured on the same disk at nearly the same
	// moment. A request's time runs until a list has answered after it:
	// lists wait for the item store, which writes behind the projector.
	var raw *rawScale
	var floor *floorScale
	var importTime, rawTime, floorTime time.Duration
	var importCPU, rawCPU, floorCPU time.Duration
	var body bytes.Buffer
	for sent := 0; sent < n; {
		body.Reset()
		k := min(scaleChunk, n-sent)
		for i := range k {
			body.Write(scaleLine(tps, now, sent+i))
		}
		began, cpu := time.Now(), processCPU()
		var ans importAnswer
		if err := c.send(ctx, http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body.Bytes(), &ans); err != nil {
			b.Fatal(err)
		}
		if ans.Logged != k {
			b.Fatalf("logged %d of %d lines: %+v", ans.Logged, k, ans.Errors)
		}
		if err := c.do(ctx, http.MethodGet, "/v1/feedback?limit=1", nil, nil); err != nil {
			b.Fatal(err)
		}
		importTime, importCPU = importTime+time.Since(began), importCPU+processCPU()-cpu
		if raw == nil {
			if raw, err = newRawScale(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		began, cpu = time.Now(), processCPU()
		if err := raw.publish(ctx, k); err != nil {
			b.Fatal(err)
		}
		rawTime, rawCPU = rawTime+time.Since(began), rawCPU+processCPU()-cpu
		if floor == nil {
			if floor, err = newFloorScale(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		items, err := floorPayloads(body.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		began, cpu = time.Now(), processCPU()
		if err := floor.publish(ctx, items); err != nil {
			b.Fatal(err)
		}
		floorTime, floorCPU = floorTime+time.Since(began), floorCPU+processCPU()-cpu
		sent += k
		if sent%(10*scaleChunk) == 0 || sent == n {
			fmt.Fprintf(os.Stderr, "scale: imported %d of %d items (%.0f/s; raw atomic batches %.0f/s; the floor %.0f/s)\n", sent, n, float64(sent)/importTime.Seconds(), float64(sent)/rawTime.Seconds(), float64(sent)/floorTime.Seconds())
		}
	}
	raw.close()
	floor.close()
	importRate, rawRate, floorRate := float64(n)/importTime.Seconds(), float64(n)/rawTime.Seconds(), float64(n)/floorTime.Seconds()
	m.Close()
	started := time.Now()
	base, rss := restartScale(b, dir)
	restart := time.Since(started)
	c = newClient(base, c.token)
	c.http = benchHTTP()

	// Figures measured once, above, are reported by sub-benchmarks, the
	// only ones a parent's output shows.
	// The CPU an item (the process's: the server, the tracker and the
	// client) bounds the rate: with every core busy, the import could
	// reach at most ceiling-x-raw of raw's rate.
	perItem := func(cpu time.Duration) float64 { return cpu.Seconds() * 1e6 / float64(n) }
	ceiling := func(cpu time.Duration) float64 {
		return float64(runtime.NumCPU()) / (cpu.Seconds() / float64(n)) / rawRate
	}
	benchOnce(b, "import", func(b *testing.B) {
		b.ReportMetric(importRate, "items/s")
		b.ReportMetric(rawRate, "raw-events/s")
		b.ReportMetric(importRate/rawRate, "x-raw")
		b.ReportMetric(perItem(importCPU), "cpu-us/item")
		b.ReportMetric(perItem(rawCPU), "raw-cpu-us/event")
		b.ReportMetric(ceiling(importCPU), "ceiling-x-raw")
	})
	benchOnce(b, "import-floor", func(b *testing.B) {
		b.ReportMetric(floorRate, "items/s")
		b.ReportMetric(rawRate, "raw-events/s")
		b.ReportMetric(floorRate/rawRate, "x-raw")
		b.ReportMetric(perItem(floorCPU), "cpu-us/item")
		b.ReportMetric(ceiling(floorCPU), "ceiling-x-raw")
	})
	benchScaleReads(b, c, res.JourneyID, now, restart, rss)
}

// benchScaleRestart restarts the tracker on the log a former run left in
// dir and measures the restart and the reads on it.
func benchScaleRestart(b *testing.B, dir string) {
	raw, err := os.ReadFile(filepath.Join(dir, AdminTokenFile))
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	base, rss := restartScale(b, dir)
	restart := time.Since(started)
	c := newClient(base, strings.TrimSpace(string(raw)))
	c.http = benchHTTP()
	var journeys struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := c.do(context.Background(), http.MethodGet, "/v1/journeys", nil, &journeys); err != nil || len(journeys.Items) == 0 {
		b.Fatalf("no journey in %s: %v", dir, err)
	}
	benchScaleReads(b, c, journeys.Items[0].ID, time.Now().UTC().Truncate(24*time.Hour), restart, rss)
}

// benchOnce reports, as the sub-benchmark name, figures measured once
// before it: only sub-benchmarks' figures show in a parent's output.
func benchOnce(b *testing.B, name string, report func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		for b.Loop() {
		}
		report(b)
	})
}

// benchScaleReads reports the restart's figures and measures each read of
// the scale section on the restarted tracker c, whose journey is
// journeyID, its items spread over the year before now.
func benchScaleReads(b *testing.B, c *client, journeyID string, now time.Time, restart time.Duration, rss int64) {
	ctx := context.Background()
	benchOnce(b, "restart", func(b *testing.B) {
		b.ReportMetric(float64(restart.Milliseconds()), "ms")
		b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	})

	b.Run("list", func(b *testing.B) {
		metrics := []string{"nps", "csat", "ces"}
		latencies(b, 1, func(i int) error {
			month := now.AddDate(0, -1-i%11, 0)
			from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
			q := url.Values{"journey": {journeyID}, "metric": {metrics[i%3]}, "from": {from.Format(time.RFC3339)}, "to": {from.AddDate(0, 1, 0).Format(time.RFC3339)}}
			var page struct {
				Items []json.RawMessage `json:"items"`
			}
			if err := c.do(ctx, http.MethodGet, "/v1/feedback?"+q.Encode(), nil, &page); err != nil {
				return err
			}
			if len(page.Items) == 0 {
				return fmt.Errorf("no feedback in %s", q.Encode())
			}
			return nil
		})
	})
	b.Run("report-year", func(b *testing.B) {
		q := url.Values{"from": {now.AddDate(-1, 0, 0).Format(time.RFC3339)}, "to": {now.Add(24 * time.Hour).Format(time.RFC3339)}}
		for b.Loop() {
			if err := c.do(ctx, http.MethodGet, "/v1/reports/council?"+q.Encode(), nil, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	b.Run("journey-map", func(b *testing.B) {
		latencies(b, benchClients, func(int) error { return c.do(ctx, http.MethodGet, "/v1/journeys/"+journeyID, nil, nil) })
	})
	b.Run("program", func(b *testing.B) {
		latencies(b, benchClients, func(int) error { return c.do(ctx, http.MethodGet, "/v1/program", nil, nil) })
	})
}

// journeyTouchpoints are the journey's touchpoints, stage by stage.
func journeyTouchpoints(b *testing.B, c *client, journeyID string) []string {
	var journey struct {
		Stages []struct {
			Touchpoints []struct {
				ID string `json:"id"`
			} `json:"touchpoints"`
		} `json:"stages"`
	}
	if err := c.do(context.Background(), http.MethodGet, "/v1/journeys/"+journeyID, nil, &journey); err != nil {
		b.Fatal(err)
	}
	var tps []string
	for _, st := range journey.Stages {
		for _, tp := range st.Touchpoints {
			tps = append(tps, tp.ID)
		}
	}
	return tps
}
