package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// demoAt is the instant the demo tests count back from, unless a test says
// otherwise: a fixed one, so that no test depends on the day it runs.
const demoAt = "2026-07-15T09:00:00Z"

// demoFeedback is how many feedback items the demo tests load: few, to keep
// them fast, yet enough that the smallest touchpoint's KPI has feedback to
// measure in most months.
const demoFeedback = "300"

// loadDemoInto runs `cxtracker demo --data dir` with demoFeedback items,
// counting back from demoAt, and answers its stdout.
func loadDemoInto(t *testing.T, dir string, seed string) string {
	t.Helper()
	code, stdout, stderr := cli(t, nil, "demo", "--data", dir, "--feedback", demoFeedback, "--seed", seed, "--now", demoAt)
	return checkDemoRun(t, code, stdout, stderr)
}

// checkDemoRun fails the test unless a demo run succeeded and showed its
// progress, and answers its stdout.
func checkDemoRun(t *testing.T, code int, stdout, stderr string) string {
	t.Helper()
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	if m := demoDone.FindStringSubmatch(stderr); m == nil || m[1] != m[2] {
		t.Errorf("no progress to the year's end on stderr: %q", stderr)
	}
	return stdout
}

// demoDone is the progress line that ends the demo's program, from its
// baseline quarter to the end of the council's year.
var demoDone = regexp.MustCompile(`demo: the program from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: (\d+) of (\d+) \(100%\)`)

// page is a list answer.
type page[T any] struct {
	Items []T `json:"items"`
}

// reader reads the tracker on a data directory the demo was loaded into.
func reader(t *testing.T, dir string) *client {
	t.Helper()
	m := startMain(t, func(c *Config) { c.Data = dir })
	return newClient("http://"+m.HTTPAddr(), adminTokenOf(t, m))
}

func (c *client) must(t *testing.T, path string, out any) {
	t.Helper()
	if err := c.do(context.Background(), http.MethodGet, path, nil, out); err != nil {
		t.Fatal(err)
	}
}

// The demo counts its year back from --now, or from the clock's now: on a
// leap day, across a change to summer time (loaded by the real binary in
// Europe/Berlin, to show the machine's time zone plays no part) and at the
// last minute of a year, the whole program loads, with the same shape.
func TestDemoLoadsAWholeProgramIntoADataDirectory(t *testing.T) {
	for _, tc := range []struct {
		name, now string
		load      func(t *testing.T, dir, now string) string
	}{
		{"on a leap day", "2028-02-29T12:00:00Z", func(t *testing.T, dir, now string) string {
			code, stdout, stderr := cli(t, nil, "demo", "--data", dir, "--feedback", demoFeedback, "--seed", "3", "--now", now)
			return checkDemoRun(t, code, stdout, stderr)
		}},
		{"across a change to summer time in Berlin", "2026-03-29T01:30:00Z", func(t *testing.T, dir, now string) string {
			cmd := exec.Command(os.Args[0], "demo", "--data", dir, "--feedback", demoFeedback, "--seed", "3", "--now", now)
			cmd.Env = append(os.Environ(), mainEnv+"=1", "TZ=Europe/Berlin")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			code := 0
			if err := cmd.Run(); err != nil {
				code = -1
			}
			return checkDemoRun(t, code, stdout.String(), stderr.String())
		}},
		{"at a year's end on the pinned clock", "2026-12-31T23:59:00Z", func(t *testing.T, dir, now string) string {
			at, _ := time.Parse(time.RFC3339, now)
			var stdout, stderr bytes.Buffer
			code := runAt(events.FixedClock(at), []string{"demo", "--data", dir, "--feedback", demoFeedback, "--seed", "3"},
				func(string) string { return "" }, &stdout, &stderr)
			return checkDemoRun(t, code, stdout.String(), stderr.String())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := tc.load(t, dir, tc.now)
			now, _ := time.Parse(time.RFC3339, tc.now)
			checkWholeProgram(t, dir, out, now)
		})
	}
}

// checkWholeProgram reads the program the demo loaded into dir, counting
// back from now, and fails the test unless all of it is there: what the
// demo said it loaded, every role, crew type and initiative status, open
// and closed follow-ups, monthly measurements, the feedback from the
// baseline quarter on and the measurements in the council's year before
// now.
func checkWholeProgram(t *testing.T, dir, out string, now time.Time) {
	t.Helper()
	var measurements int
	const shape = "36 people, 11 crews, 12 touchpoints, 300 feedback items (294 imported), 6 follow-ups (4 closed), 7 KPIs (%d measurements), 11 initiatives (35 votes, 8 decisions), 4 action plans;"
	if _, err := fmt.Sscanf(out[strings.Index(out, ": ")+2:], shape, &measurements); err != nil {
		t.Errorf("stdout %q is not %q: %v", out, shape, err)
	}
	// The data directory holds the program after the demo stopped its
	// tracker: a new one replays it.
	c := reader(t, dir)

	var people page[struct {
		ID string `json:"id"`
	}]
	c.must(t, "/v1/people?limit=100", &people)
	if len(people.Items) != len(demoPeople) {
		t.Errorf("%d people, want %d", len(people.Items), len(demoPeople))
	}
	var council struct {
		Chair   *struct{ ID string } `json:"chair"`
		Members []struct{}           `json:"members"`
	}
	c.must(t, "/v1/council", &council)
	if len(council.Members) != 5 || council.Chair == nil {
		t.Errorf("the council has %d members and chair %v, want 5 and a chair", len(council.Members), council.Chair)
	}
	var crews page[struct {
		Type string `json:"type"`
	}]
	c.must(t, "/v1/crews?limit=100", &crews)
	types := map[string]bool{}
	for _, cr := range crews.Items {
		types[cr.Type] = true
	}
	if len(types) != 7 {
		t.Errorf("crews of %d types, want all 7: %v", len(types), types)
	}
	var board page[struct {
		Status string `json:"status"`
	}]
	c.must(t, "/v1/initiatives?limit=100", &board)
	var statuses []string
	for _, in := range board.Items {
		if !slices.Contains(statuses, in.Status) {
			statuses = append(statuses, in.Status)
		}
	}
	slices.Sort(statuses)
	if want := []string{"approved", "cancelled", "completed", "deferred", "in_progress", "proposed", "rejected"}; !slices.Equal(statuses, want) {
		t.Errorf("initiatives are %v, want every status %v", statuses, want)
	}
	var decisions page[struct {
		Outcome string `json:"outcome"`
	}]
	c.must(t, "/v1/council/decisions?limit=100", &decisions)
	if len(decisions.Items) != 8 {
		t.Errorf("%d decisions in the log, want 8", len(decisions.Items))
	}

	m := journeyMap(t, c)
	var count, open, stages int
	for _, st := range m.Stages {
		stages++
		for _, tp := range st.Touchpoints {
			count += tp.Count
			open += tp.OpenFollowUps
		}
	}
	if stages != 5 || len(m.figures()) != 12 || count != 300 || open != 2 {
		t.Errorf("the map has %d stages, %d touchpoints, %d feedback items and %d open follow-ups; want 5, 12, 300 and 2",
			stages, len(m.figures()), count, open)
	}
	// Every date the demo wrote lies before now: the feedback from the
	// baseline quarter on, the first survey a quarter before the council's
	// year, some of it in that quarter; the measurements at month ends of
	// the council's year.
	day := now.UTC().Truncate(24 * time.Hour)
	year := day.AddDate(0, 0, -365)
	within := func(what string, at, from time.Time) {
		if at.Before(from) || !at.Before(now) {
			t.Errorf("%s at %s, outside %s to %s", what, at.Format(time.RFC3339), from.Format(time.RFC3339), now.Format(time.RFC3339))
		}
	}
	var feedback page[struct {
		OccurredAt time.Time `json:"occurred_at"`
	}]
	c.must(t, "/v1/feedback?limit=500", &feedback)
	baseline := 0
	for _, f := range feedback.Items {
		within("feedback", f.OccurredAt, year.AddDate(0, 0, -demoBaselineDays))
		if f.OccurredAt.Before(year) {
			baseline++
		}
	}
	if baseline == 0 || baseline == len(feedback.Items) {
		t.Errorf("%d of %d feedback items before the council's year, want some in the baseline quarter and the rest after", baseline, len(feedback.Items))
	}
	var kpis page[struct {
		Name         string `json:"name"`
		OwnerID      string `json:"owner_id"`
		Source       string `json:"source"`
		Measurements []struct {
			MeasuredAt time.Time `json:"measured_at"`
		} `json:"measurements"`
		Months []struct {
			From time.Time `json:"from"`
		} `json:"months"`
	}]
	c.must(t, "/v1/kpis?limit=100", &kpis)
	unowned, measured := 0, 0
	for _, k := range kpis.Items {
		byHand := slices.ContainsFunc(demoKPIs, func(d demoKPI) bool { return d.name == k.Name && d.byHand() })
		switch {
		case byHand && (k.Source != projections.KPISourceHand || len(k.Measurements) < 6):
			t.Errorf("%s is %s with %d measurements, want monthly ones by hand", k.Name, k.Source, len(k.Measurements))
		case !byHand && (k.Source != projections.KPISourceFeedback || len(k.Months) < 6 || len(k.Measurements) > 0):
			t.Errorf("%s is %s with %d months and %d measurements, want a year's months computed from the feedback and none by hand", k.Name, k.Source, len(k.Months), len(k.Measurements))
		}
		for _, ms := range k.Measurements {
			within("a measurement", ms.MeasuredAt, year.AddDate(0, 0, -1))
		}
		measured += len(k.Measurements)
		if k.OwnerID == "" {
			unowned++
		}
	}
	if len(kpis.Items) != len(demoKPIs) || unowned != 1 || measured != measurements {
		t.Errorf("%d KPIs of which %d without owner, with %d measurements; want %d, 1 and the %d the demo recorded",
			len(kpis.Items), unowned, measured, len(demoKPIs), measurements)
	}
	var plans page[struct {
		Status     string `json:"status"`
		SharedWith string `json:"shared_with"`
	}]
	c.must(t, "/v1/action-plans?limit=100", &plans)
	shared := 0
	for _, p := range plans.Items {
		if p.SharedWith != "" {
			shared++
		}
	}
	if len(plans.Items) != 4 || shared != 3 {
		t.Errorf("%d action plans, %d shared with the customer; want 4 and 3", len(plans.Items), shared)
	}
	var accounts page[struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		OwnerID string `json:"owner_id"`
	}]
	c.must(t, "/v1/accounts?limit=100", &accounts)
	if len(accounts.Items) != len(demoAccounts) {
		t.Fatalf("%d accounts, want %d", len(accounts.Items), len(demoAccounts))
	}
	// A small demo may have no item at one plan's touchpoint: the accounts
	// together show feedback and follow-ups, and each its plan.
	named, followUps := 0, 0
	for _, a := range accounts.Items {
		var d struct {
			Feedback  []json.RawMessage `json:"feedback"`
			FollowUps []json.RawMessage `json:"follow_ups"`
			Plans     []json.RawMessage `json:"plans"`
		}
		c.must(t, "/v1/accounts/"+a.ID, &d)
		named, followUps = named+len(d.Feedback), followUps+len(d.FollowUps)
		if len(d.Plans) != 1 {
			t.Errorf("account %s shows %d plans, want its one", a.Name, len(d.Plans))
		}
	}
	if named == 0 || followUps == 0 {
		t.Errorf("the accounts show %d feedback items and %d follow-ups; want some of each", named, followUps)
	}
}

// demoMap is the part of a journey map the demo tests read.
type demoMap struct {
	Stages []struct {
		Name        string `json:"name"`
		Touchpoints []struct {
			Name          string   `json:"name"`
			Count         int      `json:"count"`
			NPS           *float64 `json:"nps"`
			CSAT          *float64 `json:"csat"`
			CES           *float64 `json:"ces"`
			OpenFollowUps int      `json:"open_follow_ups"`
		} `json:"touchpoints"`
	} `json:"stages"`
}

// figures are the map's figures by stage and touchpoint name, without ids.
func (m demoMap) figures() map[string]string {
	out := map[string]string{}
	for _, st := range m.Stages {
		for _, tp := range st.Touchpoints {
			out[st.Name+"/"+tp.Name] = fmt.Sprintf("%d %v %v %v %d", tp.Count, deref(tp.NPS), deref(tp.CSAT), deref(tp.CES), tp.OpenFollowUps)
		}
	}
	return out
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// journeyMap is the one journey's map.
func journeyMap(t *testing.T, c *client) demoMap {
	t.Helper()
	var m demoMap
	c.must(t, "/v1/journeys/"+journeyID(t, c), &m)
	return m
}

func TestDemoLoadsTheSameProgramForTheSameSeed(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	loadDemoInto(t, a, "11")
	loadDemoInto(t, b, "11")
	fa, fb := journeyMap(t, reader(t, a)).figures(), journeyMap(t, reader(t, b)).figures()
	if !maps.Equal(fa, fb) {
		t.Fatalf("two loads with seed 11 differ:\n%v\n%v", fa, fb)
	}
}

func TestDemoRefusesATrackerThatHoldsPeople(t *testing.T) {
	m := startMain(t, nil)
	registerPerson(t, m, "Ana Ribeiro")
	code, stdout, stderr := cli(t, map[string]string{"CXTRACKER_TOKEN": adminTokenOf(t, m)}, "demo", "--server", "http://"+m.HTTPAddr(), "--feedback", "10")
	if code != 1 || stdout != "" || !strings.HasSuffix(stderr, "cxtracker: demo: the tracker already holds people; the demo loads into an empty tracker (a new --data directory)\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestDemoUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"demo", "--server", "127.0.0.1:8080"}, "--server must be"},
		{[]string{"demo", "--feedback", "-1"}, "--feedback must be"},
		{[]string{"demo", "extra"}, "demo takes no arguments"},
		{[]string{"demo", "--seed", "many"}, "seed"},
		{[]string{"demo", "--now", "tomorrow"}, "not an RFC 3339 time"},
		{[]string{"demo", "--now", "1969-07-20T20:17:00Z"}, "--now must be from 1971-04-03 on"},
		{[]string{"demo", "--now", "1971-04-02T23:59:59Z"}, "--now must be from 1971-04-03 on"},
	} {
		code, _, stderr := cli(t, nil, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: exit %d, stderr %q, want 2 saying %q", tc.args, code, stderr, tc.says)
		}
	}
}

// The running tracker keeps its default rate limit, which the demo's 300-odd
// writes exceed: the load succeeds only by waiting out each 429.
func TestDemoLoadsIntoARunningTrackerWithTheTokenOfItsDataDirectory(t *testing.T) {
	t.Parallel()
	m := startMain(t, nil)
	code, stdout, stderr := cli(t, nil, "demo", "--server", "http://"+m.HTTPAddr(), "--data", m.Config.Data, "--feedback", "50")
	if code != 0 || !strings.Contains(stdout, "50 feedback items") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	c := newClient("http://"+m.HTTPAddr(), adminTokenOf(t, m))
	count := 0
	for _, f := range journeyMap(t, c).figures() {
		var n int
		fmt.Sscan(f, &n)
		count += n
	}
	if count != 50 {
		t.Fatalf("the running tracker's map counts %d feedback items, want 50", count)
	}
	// Its sign-in links open on the running tracker, which made them.
	links := demoSignInLine.FindAllStringSubmatch(stdout, -1)
	if len(links) != 2 || strings.Contains(stdout, "has stopped") {
		t.Fatalf("the demo printed %d sign-in links: %s", len(links), stdout)
	}
	for _, l := range links {
		if !strings.HasPrefix(l[3], "http://"+m.HTTPAddr()+"/signin/link/") {
			t.Fatalf("the link %q is not on the running tracker", l[3])
		}
		signInByLink(t, newBrowserSession(t, "http://"+m.HTTPAddr()), pathOf(t, l[3]), l[1])
	}
}
