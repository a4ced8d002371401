package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The scale benchmarks (BenchmarkScale) measure the tracker with many
// feedback items: the demo's program with no feedback of its own, then
// CXTRACKER_SCALE_ITEMS items (scaleItems) imported through
// POST /v1/feedback/import in requests of 10,000 lines, spread over the
// demo journey's touchpoints, the three metrics and the year before now.
// The import runs once, in the parent benchmark; each sub-benchmark
// measures one figure on the loaded tracker:
//
//	import            the import's rate (items/s), measured once
//	rss               the test process's VmRSS after runtime.GC, in MB: it
//	                  holds the embedded NATS server as well as the tracker
//	list              GET /v1/feedback?journey&metric&from&to (one month),
//	                  one client, p50/p99
//	report-year       GET /v1/reports/council for the last year
//	journey-map       GET /v1/journeys/{id}, 16 clients, p50/p99
//	program           GET /v1/program, 16 clients, p50/p99

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

// vmRSS is the process's resident set size in bytes, read from
// /proc/self/status after a garbage collection; 0 where there is no /proc.
func vmRSS() int64 {
	runtime.GC()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// latencies runs b.N reads over clients goroutines and reports their p50
// and p99 in milliseconds.
func latencies(b *testing.B, clients int, read func(i int) error) {
	lat := make([]time.Duration, b.N+1)
	inParallel(b, clients, "reads/s", func(_, i int) error {
		t0 := time.Now()
		err := read(i)
		lat[i] = time.Since(t0)
		return err
	})
	lat = lat[1:]
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}

// BenchmarkScale loads the demo program and imports scaleItems feedback
// items, then measures each figure of the scale section (see above).
func BenchmarkScale(b *testing.B) {
	_, c := benchTracker(b)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(24 * time.Hour)
	res, err := loadDemo(ctx, c, demoOptions{Seed: 1, Feedback: 0, Now: now}, newDemoSteps(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	var journey struct {
		Stages []struct {
			Touchpoints []struct {
				ID string `json:"id"`
			} `json:"touchpoints"`
		} `json:"stages"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/journeys/"+res.JourneyID, nil, &journey); err != nil {
		b.Fatal(err)
	}
	var tps []string
	for _, st := range journey.Stages {
		for _, tp := range st.Touchpoints {
			tps = append(tps, tp.ID)
		}
	}
	n := scaleItems()
	var importRate float64
	var once sync.Once
	load := func(b *testing.B) {
		once.Do(func() {
			start := time.Now()
			var body bytes.Buffer
			for sent := 0; sent < n; {
				body.Reset()
				k := min(scaleChunk, n-sent)
				for i := range k {
					body.Write(scaleLine(tps, now, sent+i))
				}
				var ans importAnswer
				if err := c.send(ctx, http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body.Bytes(), &ans); err != nil {
					b.Fatal(err)
				}
				if ans.Logged != k {
					b.Fatalf("logged %d of %d lines: %+v", ans.Logged, k, ans.Errors)
				}
				sent += k
			}
			importRate = float64(n) / time.Since(start).Seconds()
			b.Logf("%d items imported in %s", n, time.Since(start).Round(time.Millisecond))
		})
	}
	b.Run("import", func(b *testing.B) {
		load(b)
		for b.Loop() {
		}
		b.ReportMetric(importRate, "items/s")
	})
	b.Run("rss", func(b *testing.B) {
		load(b)
		var rss int64
		for b.Loop() {
			rss = vmRSS()
		}
		b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	})
	b.Run("list", func(b *testing.B) {
		load(b)
		metrics := []string{"nps", "csat", "ces"}
		latencies(b, 1, func(i int) error {
			month := now.AddDate(0, -1-i%11, 0)
			from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
			q := url.Values{"journey": {res.JourneyID}, "metric": {metrics[i%3]}, "from": {from.Format(time.RFC3339)}, "to": {from.AddDate(0, 1, 0).Format(time.RFC3339)}}
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
		load(b)
		q := url.Values{"from": {now.AddDate(-1, 0, 0).Format(time.RFC3339)}, "to": {now.Add(24 * time.Hour).Format(time.RFC3339)}}
		for b.Loop() {
			if err := c.do(ctx, http.MethodGet, "/v1/reports/council?"+q.Encode(), nil, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	b.Run("journey-map", func(b *testing.B) {
		load(b)
		latencies(b, benchClients, func(int) error { return c.do(ctx, http.MethodGet, "/v1/journeys/"+res.JourneyID, nil, nil) })
	})
	b.Run("program", func(b *testing.B) {
		load(b)
		latencies(b, benchClients, func(int) error { return c.do(ctx, http.MethodGet, "/v1/program", nil, nil) })
	})
}
