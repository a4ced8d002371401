package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

// demoHistoryFeedback is how many feedback items the history test loads,
// with demoHistorySeed: enough that the busiest touchpoint has 30
// responses of a metric in the baseline quarter and in every quarter,
// which movers need (TestDemoHistoryFeedbackIsEnoughForMoversEveryQuarter;
// TestDemoDefaultFeedbackIsEnoughForMoversEveryQuarter checks the default
// load at every touchpoint).
const (
	demoHistoryFeedback = "2500"
	demoHistorySeed     = 5
)

// The demo loads a year as it happened: the journey mapped and surveyed a
// quarter before the council was seated, the initiatives' lives spread
// over the council's year, one decision recorded late, and every quarter
// of the year with its own decisions, figures and movers, the first one
// compared with the baseline quarter before it.
func TestDemoLoadsAYearAsItHappened(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := cli(t, nil, "demo", "--data", dir, "--feedback", demoHistoryFeedback, "--seed", strconv.Itoa(demoHistorySeed), "--now", demoAt)
	if code != 0 || demoDone.FindStringSubmatch(stderr) == nil {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	at, _ := time.Parse(time.RFC3339, demoAt)
	end := at.UTC().Truncate(24 * time.Hour)
	checkMinutedLate(t, dir, end)
	c := reader(t, dir)
	checkLifecycles(t, c, end)
	checkBaseline(t, c, end.AddDate(0, 0, -365))
	// Movers compare a quarter with the one before: the year's first
	// quarter with the baseline quarter.
	for i, q := range demoQuarters(end) {
		var mv struct {
			Fallers []json.RawMessage `json:"fallers"`
			Risers  []json.RawMessage `json:"risers"`
		}
		c.must(t, "/v1/feedback/movers?by=touchpoint&from="+url.QueryEscape(q[0].Format(time.RFC3339))+"&to="+url.QueryEscape(q[1].Format(time.RFC3339)), &mv)
		if len(mv.Fallers)+len(mv.Risers) == 0 {
			t.Errorf("quarter %d: no touchpoint moved", i+1)
		}
	}
	var m demoMap
	c.must(t, "/v1/journeys/"+journeyID(t, c)+"?as_of="+url.QueryEscape(end.AddDate(0, -1, 0).Format(time.RFC3339)), &m)
	if len(m.Stages) != len(demoStages) {
		t.Errorf("a month before the year's end the journey has %d stages, want %d", len(m.Stages), len(demoStages))
	}
	for i, q := range demoQuarters(end) {
		checkQuarterReport(t, c, i+1, q[0], q[1])
	}
}

// checkBaseline fails the test unless, as of start (the first day of the
// council's year), the journey is mapped with feedback at every
// touchpoint and a CX manager named, and no council is seated yet.
func checkBaseline(t *testing.T, c *client, start time.Time) {
	t.Helper()
	asOf := "?as_of=" + url.QueryEscape(start.Format(time.RFC3339))
	var m demoMap
	c.must(t, "/v1/journeys/"+journeyID(t, c)+asOf, &m)
	surveyed := 0
	for _, tp := range m.figures() {
		if !strings.HasPrefix(tp, "0 ") {
			surveyed++
		}
	}
	var program struct {
		CXManager *struct {
			ID string `json:"id"`
		} `json:"cx_manager"`
	}
	c.must(t, "/v1/program"+asOf, &program)
	var council struct {
		Members []struct{} `json:"members"`
	}
	c.must(t, "/v1/council"+asOf, &council)
	if len(m.Stages) != len(demoStages) || surveyed != len(demoTouchpoints) || program.CXManager == nil || len(council.Members) != 0 {
		t.Errorf("as of %s: %d stages, %d touchpoints with feedback, CX manager %v, %d council members; want %d, %d, one and none",
			start.Format(time.DateOnly), len(m.Stages), surveyed, program.CXManager, len(council.Members), len(demoStages), len(demoTouchpoints))
	}
}

// checkMinutedLate reads the log in dir and fails the test unless exactly
// one decision was written after events of the year before end dated more
// than a day after it, and it says it was minuted late.
func checkMinutedLate(t *testing.T, dir string, end time.Time) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Data = dir
	var late []string
	err := readLog(context.Background(), cfg, io.Discard, "reading", func(store events.Store, _ *progress) error {
		var ahead time.Time // the latest business time written so far
		return store.Read(context.Background(), events.FromSeq(1), func(r events.Record) error {
			if r.Event.Name() == events.EventInitiativeDecided && ahead.Sub(r.Event.Time) > 24*time.Hour {
				var d events.InitiativeDecided
				if err := json.Unmarshal(r.Event.Data, &d); err != nil {
					return err
				}
				late = append(late, d.Rationale)
			}
			// The tokens the tracker issues for itself and for the
			// demo's sign-in links are dated at the clock's now, after
			// the year.
			if r.Event.Time.After(ahead) && r.Event.Time.Before(end) {
				ahead = r.Event.Time
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(late) != 1 || !strings.Contains(late[0], "Minuted late") {
		t.Fatalf("decisions written after events dated more than a day later: %q; want the one minuted late", late)
	}
}

// journeyID is the id of the one journey.
func journeyID(t *testing.T, c *client) string {
	t.Helper()
	var journeys page[struct {
		ID string `json:"id"`
	}]
	c.must(t, "/v1/journeys", &journeys)
	if len(journeys.Items) != 1 {
		t.Fatalf("%d journeys, want 1", len(journeys.Items))
	}
	return journeys.Items[0].ID
}

// checkLifecycles fails the test unless the initiatives' lives are spread
// over the year before end: each proposed, decided, started and completed
// in that order, the work months long, proposals and decisions in every
// quarter.
func checkLifecycles(t *testing.T, c *client, end time.Time) {
	t.Helper()
	var board page[struct {
		ID string `json:"id"`
	}]
	c.must(t, "/v1/initiatives?limit=100", &board)
	var proposed, decided [4]int
	quarter := func(at time.Time) int {
		for i, q := range demoQuarters(end) {
			if !at.Before(q[0]) && at.Before(q[1]) {
				return i
			}
		}
		t.Errorf("%s is outside the year before %s", at.Format(time.RFC3339), end.Format(time.RFC3339))
		return 0
	}
	completed := 0
	for _, card := range board.Items {
		var in struct {
			Title      string     `json:"title"`
			ProposedAt time.Time  `json:"proposed_at"`
			StartedAt  *time.Time `json:"started_at"`
			Decision   *struct {
				DecidedAt time.Time `json:"decided_at"`
			} `json:"decision"`
			Completion *struct {
				CompletedAt time.Time `json:"completed_at"`
			} `json:"completion"`
		}
		c.must(t, "/v1/initiatives/"+card.ID, &in)
		proposed[quarter(in.ProposedAt)]++
		times := []time.Time{in.ProposedAt}
		if in.Decision != nil {
			decided[quarter(in.Decision.DecidedAt)]++
			times = append(times, in.Decision.DecidedAt)
		}
		if in.StartedAt != nil {
			times = append(times, *in.StartedAt)
		}
		if in.Completion != nil {
			completed++
			times = append(times, in.Completion.CompletedAt)
			if in.Completion.CompletedAt.Sub(*in.StartedAt) < 60*24*time.Hour || in.StartedAt.Sub(in.ProposedAt) < 30*24*time.Hour {
				t.Errorf("%q: proposed %s, started %s, completed %s; want months apart", in.Title,
					in.ProposedAt.Format(time.DateOnly), in.StartedAt.Format(time.DateOnly), in.Completion.CompletedAt.Format(time.DateOnly))
			}
		}
		for i := 1; i < len(times); i++ {
			if !times[i].After(times[i-1]) {
				t.Errorf("%q: its life is out of order: %v", in.Title, times)
			}
		}
	}
	for q := range 4 {
		if proposed[q] == 0 || decided[q] == 0 {
			t.Errorf("quarter %d: %d initiatives proposed, %d decided; want some of each in every quarter (%v, %v)", q+1, proposed[q], decided[q], proposed, decided)
		}
	}
	if completed < 2 {
		t.Errorf("%d initiatives completed, want 2", completed)
	}
}

// checkQuarterReport fails the test unless the council's report for
// [from, to) has a decision, each stage's figures for the period, and
// touchpoints that moved since the period before.
func checkQuarterReport(t *testing.T, c *client, n int, from, to time.Time) {
	t.Helper()
	var r struct {
		Decisions []struct {
			Title string `json:"title"`
		} `json:"decisions"`
		Stages []struct {
			Name    string `json:"name"`
			Current struct {
				Count int `json:"count"`
			} `json:"current"`
		} `json:"stages"`
		Movers struct {
			Fallers []json.RawMessage `json:"fallers"`
			Risers  []json.RawMessage `json:"risers"`
		} `json:"touchpoint_movers"`
	}
	c.must(t, "/v1/reports/council?from="+url.QueryEscape(from.Format(time.RFC3339))+"&to="+url.QueryEscape(to.Format(time.RFC3339)), &r)
	counted := 0
	for _, st := range r.Stages {
		if st.Current.Count > 0 {
			counted++
		}
	}
	moved := len(r.Movers.Fallers) + len(r.Movers.Risers)
	if len(r.Decisions) == 0 || counted != len(demoStages) || moved == 0 {
		var b bytes.Buffer
		json.NewEncoder(&b).Encode(r)
		t.Errorf("quarter %d (%s to %s): %d decisions, %d stages with figures of the period, %d fallers and %d risers; want some of each: %s",
			n, from.Format(time.DateOnly), to.Format(time.DateOnly), len(r.Decisions), counted, len(r.Movers.Fallers), len(r.Movers.Risers), b.String())
	}
}
