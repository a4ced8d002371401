package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"cxtracker/events"
)

const demoUsage = `Usage: cxtracker demo [--server URL | --data DIR] [--seed N] [--feedback N] [--now T]

Loads a year of a realistic CX program through the HTTP API, as it
happened, every write dated (occurred_at) when it happened. A quarter
before the council's year, the CX team maps an AARRR journey with a dozen
touchpoints, owned by crews, and starts surveying customers, so that the
year's first quarter has a baseline to be compared with. Then a quality
council of five is seated a year before --now, and the year brings the
rest of the five roles, crews of all seven types, feedback, follow-ups,
KPIs (those measured by hand with monthly measurements), initiatives
proposed, voted and decided across the four quarters and worked on for
months, and action plans.

With --data (and no --server) it starts the tracker in this process on that
data directory, loads, and stops. Otherwise it loads into the running
tracker at --server, with the admin token from CXTRACKER_TOKEN or
--token-file (default <data>/admin.token). The same --seed and --now load
the same program: its year ends where the day of --now begins (in UTC),
so every date it writes lies before --now, and the baseline quarter
begins 92 days before the year.

It ends by printing one-time dashboard sign-in links (each works once, for
15 minutes) for the council's chair and the CX manager. With --data they
open on the address serve listens on (CXTRACKER_HTTP, or the default), once
that directory is served.

Flags:
`

// demoOptions says what the demo loads.
type demoOptions struct {
	// Seed makes the load deterministic: the same seed writes the same
	// program (ids aside, which the tracker assigns).
	Seed uint64
	// Feedback is how many feedback items to log over the baseline
	// quarter and the year.
	Feedback int
	// Now is the end of the council's year, midnight UTC at the start of
	// the day the demo counts back from.
	Now time.Time
}

// demoCmd is `cxtracker demo`.
func demoCmd(clock events.Clock, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cxtracker demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, demoUsage); fs.PrintDefaults() }
	var r remote
	r.addFlags(fs)
	opt := demoOptions{Seed: 1, Feedback: 30_000}
	fs.Uint64Var(&opt.Seed, "seed", opt.Seed, "seed of the generator: the same seed loads the same program")
	fs.IntVar(&opt.Feedback, "feedback", opt.Feedback, "feedback items to log over the baseline quarter and the year")
	var now time.Time
	fs.Var(timeFlag{&now}, "now", "RFC 3339 time the demo's year counts back from (default the current time)")
	if err := fromEnv(fs, getenv); err != nil {
		return usageError{err}
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("demo takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	// A --data typed on the command line without --server means "in this
	// process"; with --server it says where the admin token is, as for
	// `token`. A CXTRACKER_DATA exported for serve never starts a second
	// tracker.
	inProcess := setOnCommandLine(fs, "data") && !setOnCommandLine(fs, "server")
	if opt.Feedback < 0 || opt.Feedback > 10_000_000 {
		return usageError{fmt.Errorf("--feedback must be from 0 to 10000000, not %d", opt.Feedback)}
	}
	given := !now.IsZero()
	if !given {
		now = clock.Now()
	}
	if now.Before(demoEarliest) {
		return usageError{fmt.Errorf("--now must be from %s on, not %s", demoEarliest.Format(time.DateOnly), now.Format(time.RFC3339))}
	}
	r.token = getenv("CXTRACKER_TOKEN")
	// Days are UTC days, so the program is the same whatever the machine's
	// time zone, and a day is always 24 hours long.
	opt.Now = now.UTC().Truncate(24 * time.Hour)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if inProcess {
		// The tracker the demo runs for itself lives on the clock, so that
		// the sign-in links it prints work when they are read; only a --now
		// ahead of the clock moves it there, so that nothing the year holds
		// is in its future.
		if given && now.After(clock.Now()) {
			clock = events.FixedClock(now)
		}
		m, c, err := startInProcess(ctx, r.Data, clock, getenv, stderr)
		if err != nil {
			return err
		}
		defer m.Close()
		return runDemo(ctx, c, opt, demoLinks{base: serveBase(getenv), stopped: r.Data}, stdout, stderr)
	}
	if err := r.check(); err != nil {
		return usageError{err}
	}
	c, err := r.client()
	if err != nil {
		return err
	}
	return runDemo(ctx, c, opt, demoLinks{base: c.base}, stdout, stderr)
}

// demoLinks says where the demo's sign-in links open: the dashboard at
// base, and, when the demo ran its own tracker on a data directory, which
// one (its links work once that directory is served).
type demoLinks struct {
	base, stopped string
}

// serveBase is where `cxtracker serve` serves the dashboard with the
// address in CXTRACKER_HTTP, or the default one.
func serveBase(getenv func(string) string) string {
	addr := DefaultConfig().HTTP
	if v := getenv("CXTRACKER_HTTP"); v != "" {
		addr = v
	}
	return "http://" + browsable(addr)
}

// demoEarliest is the earliest --now: the program before it, the year and
// the baseline quarter before that, must lie after the Unix epoch, where
// the tracker's times begin.
var demoEarliest = time.Unix(0, 0).UTC().AddDate(0, 0, 365+demoBaselineDays)

// startInProcess runs a tracker on dir, on a loopback port of the system's
// choosing, and a client of it with the admin token.
func startInProcess(ctx context.Context, dir string, clock events.Clock, getenv func(string) string, stderr io.Writer) (*Main, *client, error) {
	cfg := DefaultConfig()
	cfg.Data, cfg.HTTP, cfg.Clock = dir, "127.0.0.1:0", clock
	cfg.AdminToken = getenv("CXTRACKER_ADMIN_TOKEN")
	// Nobody but the demo uses this tracker, so its rate limit would only
	// slow the load down.
	cfg.RateLimit = 0
	if err := cfg.Validate(); err != nil {
		return nil, nil, usageError{err}
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := m.Run(ctx); err != nil {
		return nil, nil, err
	}
	r := remote{Data: dir, token: getenv("CXTRACKER_TOKEN")}
	if r.token == "" {
		r.token = cfg.AdminToken
	}
	tok, err := r.adminToken()
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, newClient("http://"+m.HTTPAddr(), tok), nil
}

// runDemo loads the demo, prints what it loaded, and ends with sign-in
// links for the council's chair and the CX manager.
func runDemo(ctx context.Context, c *client, opt demoOptions, links demoLinks, stdout, stderr io.Writer) error {
	start := time.Now()
	pr := newDemoSteps(stderr)
	res, err := loadDemo(ctx, c, opt, pr)
	pr.Done()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "demo loaded in %s: %s\n", time.Since(start).Round(time.Millisecond), res)
	// On the dashboard where it will be served: the demo's own tracker
	// (with --data) is gone once the demo ends.
	fmt.Fprintf(stdout, "journey map: %s/journeys/%s\n", links.base, res.JourneyID)
	if err := printDemoSignIns(ctx, c, res.personIDs, links.base, links.stopped, stdout); err != nil {
		return fmt.Errorf("demo: sign-in links: %w", err)
	}
	return nil
}

// demoResult counts what the demo loaded.
type demoResult struct {
	JourneyID                                          string
	People, Crews, Touchpoints, Feedback, Imported     int
	FollowUps, FollowUpsClosed, KPIs, Measurements     int
	Initiatives, Votes, Decisions, ActionPlans, Writes int
	// personIDs are the ids the tracker gave the demo's people, by key.
	personIDs map[string]string
}

func (r demoResult) String() string {
	return fmt.Sprintf("%d people, %d crews, %d touchpoints, %d feedback items (%d imported), %d follow-ups (%d closed), %d KPIs (%d measurements), %d initiatives (%d votes, %d decisions), %d action plans; %d write requests",
		r.People, r.Crews, r.Touchpoints, r.Feedback, r.Imported, r.FollowUps, r.FollowUpsClosed, r.KPIs, r.Measurements,
		r.Initiatives, r.Votes, r.Decisions, r.ActionPlans, r.Writes)
}

// demoLoader writes the demo through the API and remembers the ids the
// tracker gave, under the demo's own names for things.
type demoLoader struct {
	c   *client
	rng *rand.Rand
	pr  *demoSteps
	opt demoOptions
	res demoResult

	people      map[string]string // person key -> id
	crews       map[string]string // crew key -> id
	stages      map[string]string // stage name -> id
	touchpoints map[string]string // touchpoint key -> id
	kpis        map[string]string // KPI key -> id
	// followed are the feedback items logged one by one to be followed up,
	// by touchpoint key, for follow-ups and action plans.
	followed map[string][]string
	// accounts are the demo accounts' ids, by name; cited are the items
	// an action plan cites, which name its account.
	accounts map[string]string
	cited    map[*demoItem]bool
	// items is the year's feedback.
	items []demoItem
	// tl is the year, step by step; at is the date of the step being
	// written, which every write of the step carries as occurred_at.
	tl demoTimeline
	at time.Time
}

// loadDemo writes the whole demo program, step by step.
func loadDemo(ctx context.Context, c *client, opt demoOptions, pr *demoSteps) (demoResult, error) {
	l := &demoLoader{
		c: c, pr: pr, opt: opt,
		rng:    rand.New(rand.NewPCG(opt.Seed, 0x6378747261636b)), // the second word is "cxtrack"
		people: map[string]string{}, crews: map[string]string{}, stages: map[string]string{},
		touchpoints: map[string]string{}, kpis: map[string]string{}, followed: map[string][]string{},
		accounts: map[string]string{}, cited: map[*demoItem]bool{},
	}
	if err := l.checkEmpty(ctx); err != nil {
		return l.res, err
	}
	// The year is planned whole before a write is sent, in an order that
	// draws the same random numbers for the same seed and --now; the
	// timeline then writes it in the order it happened.
	for _, plan := range []func(){
		l.planFeedback, l.planPeople, l.planCouncil, l.planCrews, l.planJourney, l.planKPIs,
		l.planFollowUps, l.planMeasurements, l.planInitiatives, l.planActionPlans, l.planAccounts,
	} {
		plan()
	}
	if err := l.runTimeline(ctx); err != nil {
		return l.res, fmt.Errorf("the year on %s: %w", l.at.Format(time.RFC3339), err)
	}
	l.res.personIDs = l.people
	return l.res, nil
}

// checkEmpty refuses a tracker that already holds people: the demo's
// e-mail addresses would clash, and a half-mixed program helps nobody.
func (l *demoLoader) checkEmpty(ctx context.Context) error {
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := l.c.do(ctx, http.MethodGet, "/v1/people?limit=1", nil, &page); err != nil {
		return err
	}
	if len(page.Items) > 0 {
		return errors.New("the tracker already holds people; the demo loads into an empty tracker (a new --data directory)")
	}
	return nil
}

// post sends one write dated at the current step's time and counts it.
func (l *demoLoader) post(ctx context.Context, method, path string, body obj) error {
	return l.send(ctx, method, path, body, nil)
}

// send is post with the answer decoded into out.
func (l *demoLoader) send(ctx context.Context, method, path string, body obj, out any) error {
	l.res.Writes++
	return l.c.doAt(ctx, l.at, method, path, body, out)
}

// create sends one creating write dated at the current step's time and
// answers the new id.
func (l *demoLoader) create(ctx context.Context, path string, body obj) (string, error) {
	var created struct {
		ID string `json:"id"`
	}
	if err := l.send(ctx, http.MethodPost, path, body, &created); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", fmt.Errorf("POST %s answered no id", path)
	}
	return created.ID, nil
}

// pick is a random element of xs.
func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
