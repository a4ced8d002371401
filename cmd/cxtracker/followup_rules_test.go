package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/rules"
)

// testClock is a pinned clock a test moves on.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// ruleWorld is a program with a touchpoint owned by a crew with a lead,
// a person to assign and a CX manager.
type ruleWorld struct {
	touchpoint, lead, fay, manager string
}

// do runs a command on m's engine or fails the test.
func do(t *testing.T, m *Main, cmd events.Command) events.Result {
	t.Helper()
	res, err := m.engine.Execute(context.Background(), cmd, events.Meta{})
	if err != nil {
		t.Fatalf("%T: %v", cmd, err)
	}
	return res
}

func newRuleWorld(t *testing.T, m *Main) ruleWorld {
	t.Helper()
	w := ruleWorld{touchpoint: events.NewID(), lead: events.NewID(), fay: events.NewID(), manager: events.NewID()}
	for _, p := range []string{w.lead, w.fay, w.manager} {
		do(t, m, events.RegisterPerson{PersonID: p, Name: "P " + p[20:], Email: p + "@example.com", Department: "Service"})
	}
	crew, journey, stage := events.NewID(), events.NewID(), events.NewID()
	do(t, m, events.FormCrew{CrewID: crew, Name: "Care", Type: events.CrewExperience, Purpose: "call back"})
	do(t, m, events.JoinCrew{CrewID: crew, PersonID: w.lead, Role: events.RoleLead})
	do(t, m, events.MapJourney{JourneyID: journey, Name: "Claims"})
	do(t, m, events.AddStage{JourneyID: journey, StageID: stage, Name: "Report", Position: 1})
	do(t, m, events.AddTouchpoint{JourneyID: journey, TouchpointID: w.touchpoint, StageID: stage, Name: "Phone", Channel: "phone", OwnerCrewID: crew})
	do(t, m, events.AppointCXManager{PersonID: w.manager})
	return w
}

// logFeedback logs one NPS score at the world's touchpoint and answers its
// id and sequence.
func (w ruleWorld) logFeedback(t *testing.T, m *Main, score int) (string, uint64) {
	t.Helper()
	id := events.NewID()
	res := do(t, m, events.LogFeedback{FeedbackID: id, TouchpointID: w.touchpoint, Metric: events.MetricNPS, Score: score, Source: events.SourceSurvey})
	return id, res.Appended.LastSeq
}

// judged waits until m's rule manager has judged the feedback up to seq.
func judged(t *testing.T, m *Main, seq uint64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); m.rules.Stats().Judged < seq; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the rule manager judged up to %d, not %d", m.rules.Stats().Judged, seq)
		}
	}
}

// followUpEvents counts the events of each type in a feedback item's
// follow-up history, read from the log.
func followUpEvents(t *testing.T, m *Main, feedbackID string) map[string]int {
	t.Helper()
	n := map[string]int{}
	err := m.Store().Read(context.Background(), events.FromSeq(1).Only("cx.followup."+feedbackID+".>"), func(rec events.Record) error {
		n[rec.Event.Type]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// followUp is the follow-up of an item on m's write side.
func followUp(m *Main, feedbackID string) (events.FollowUp, bool) {
	var f events.FollowUp
	var ok bool
	m.engine.View(func(s *events.State) {
		var p *events.FollowUp
		if p, ok = s.FollowUp(feedbackID); ok {
			f = *p
		}
	})
	return f, ok
}

var (
	opened    = events.Type(events.KindFollowUp, events.EventFollowUpOpened)
	escalated = events.Type(events.KindFollowUp, events.EventFollowUpEscalated)
)

func TestARuleOpensOneFollowUpPerMatchingItemAcrossRestartsAndRedelivery(t *testing.T) {
	dir := t.TempDir()
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	start := func() *Main { return startMain(t, func(c *Config) { c.Data, c.Clock = dir, clock.Now }) }
	m := start()
	w := newRuleWorld(t, m)
	raw, _ := os.ReadFile(filepath.Join(dir, AdminTokenFile))
	token := strings.TrimSpace(string(raw))

	before, _ := w.logFeedback(t, m, 2) // logged before any rule: no follow-up
	code, _, rule := post(t, m, token, "/v1/follow-up-rules", map[string]any{"metric": "nps", "min_score": 0, "max_score": 6,
		"assign": "crew_lead", "due_in_hours": 48})
	if code != http.StatusCreated {
		t.Fatalf("define answered %d %v", code, rule)
	}
	ruleID := rule["id"].(string)
	detractor, _ := w.logFeedback(t, m, 5)
	promoter, seq := w.logFeedback(t, m, 9)
	judged(t, m, seq)

	f, ok := followUp(m, detractor)
	if !ok || f.RuleID != ruleID || f.AssigneeID != w.lead || !f.DueAt.Equal(clock.Now().Add(48*time.Hour)) {
		t.Fatalf("the detractor's follow-up %+v (%v): want rule %s, the crew lead %s, due in 48 hours", f, ok, ruleID, w.lead)
	}
	for what, id := range map[string]string{"a promoter": promoter, "feedback logged before the rule": before} {
		if _, ok := followUp(m, id); ok {
			t.Errorf("%s got a follow-up", what)
		}
	}

	// The rule changes: from now on only 0-3, to Fay. Old items keep
	// what they were judged by.
	do(t, m, events.ChangeFollowUpRule{RuleID: ruleID, Patch: events.RulePatch{MaxScore: ptr(3), Assign: ptr(events.AssignPerson), PersonID: ptr(w.fay)}})
	passive, _ := w.logFeedback(t, m, 5)
	angry, seq := w.logFeedback(t, m, 1)
	judged(t, m, seq)
	if _, ok := followUp(m, passive); ok {
		t.Error("a 5 after the rule went to 0-3 got a follow-up")
	}
	if f, ok := followUp(m, angry); !ok || f.AssigneeID != w.fay {
		t.Errorf("a 1 after the change: %+v %v, want assigned to Fay", f, ok)
	}

	// Restarted with the consumer gone, so that every item is delivered
	// again: each is judged again by the rules as they stood then, and
	// nothing is opened twice.
	if err := m.Store().DeleteDurable(context.Background(), rules.ConsumerName); err != nil {
		t.Fatal(err)
	}
	m.Close()
	m = start()
	_, seq = w.logFeedback(t, m, 8)
	judged(t, m, seq)
	for id, want := range map[string]int{before: 0, detractor: 1, promoter: 0, passive: 0, angry: 1} {
		if got := followUpEvents(t, m, id)[opened]; got != want {
			t.Errorf("feedback %s has %d follow-ups opened after the restart, want %d", id, got, want)
		}
	}
	if s := m.rules.Stats(); s.Opened != 0 {
		t.Errorf("after the restart the manager opened %d follow-ups again", s.Opened)
	}

	// A redelivered record is taken again harmlessly.
	err := m.Store().Read(context.Background(), events.FromSeq(1).Only("cx.feedback.*.feedback_logged"), func(rec events.Record) error {
		return m.rules.Judge(context.Background(), rec)
	})
	if err != nil || followUpEvents(t, m, detractor)[opened] != 1 {
		t.Fatalf("redelivered: %v, %v", err, followUpEvents(t, m, detractor))
	}
}

func TestAnOverdueFollowUpIsEscalatedOnceToTheCXManager(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	m := startMain(t, func(c *Config) { c.Clock = clock.Now })
	w := newRuleWorld(t, m)
	do(t, m, events.DefineFollowUpRule{RuleID: events.NewID(), Terms: events.RuleTerms{Metric: events.MetricNPS, MinScore: 0, MaxScore: 6,
		Assign: events.AssignPerson, PersonID: w.fay, DueInHours: 24}})
	item, seq := w.logFeedback(t, m, 0)
	judged(t, m, seq)
	ctx := context.Background()
	token := adminTokenOf(t, m)
	queue := func(filter string) []string {
		t.Helper()
		a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+"/v1/feedback?follow_up="+filter, token, nil, "X-Min-Seq", strconv.FormatUint(m.Projector().LastSeq(), 10))
		if err != nil || a.status != http.StatusOK {
			t.Fatalf("the %s queue answered %v %v", filter, a, err)
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(a.body), &page); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	if due, overdue := queue("due"), queue("overdue"); !slices.Equal(due, []string{item}) || len(overdue) != 0 {
		t.Fatalf("before its due time: due %v, overdue %v", due, overdue)
	}
	clock.advance(24 * time.Hour) // due now, not yet past it
	if n, err := m.rules.EscalateDue(ctx); n != 0 || err != nil {
		t.Fatalf("at its due time %d were escalated (%v)", n, err)
	}
	clock.advance(time.Second)
	for range 2 {
		if _, err := m.rules.EscalateDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := followUpEvents(t, m, item)[escalated]; got != 1 {
		t.Fatalf("escalated %d times, want once", got)
	}
	if f, _ := followUp(m, item); !f.Escalated || f.EscalatedTo != w.manager {
		t.Fatalf("escalated to %q, want the CX manager %s", f.EscalatedTo, w.manager)
	}
	if due, overdue, esc := queue("due"), queue("overdue"), queue("escalated"); len(due) != 0 || !slices.Equal(overdue, []string{item}) || !slices.Equal(esc, []string{item}) {
		t.Fatalf("past its due time: due %v, overdue %v, escalated %v", due, overdue, esc)
	}
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	page := b.get("/follow-ups?show=overdue")
	row := queueRowHTML(t, page.Body, item)
	for _, want := range []string{"overdue since", "escalated to P " + w.manager[20:]} {
		if !strings.Contains(row, want) {
			t.Errorf("the dashboard's overdue queue does not say %q: %s", want, row)
		}
	}
	if page := b.get("/follow-ups?show=late"); page.Status != http.StatusBadRequest || !strings.Contains(page.Body, "show must be one of") {
		t.Errorf("an unknown queue answered %d: %s", page.Status, page.Body)
	}
}

func ptr[T any](v T) *T { return &v }

func TestTwoReplicasOpenEachFollowUpOnce(t *testing.T) {
	t.Parallel()
	c := jstest.StartCluster(t, 3, nil)
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	onCluster := func(cfg *Config) { cfg.NATSURL, cfg.Replicas, cfg.Clock = c.URLs(), 3, clock.Now }
	a := startMain(t, onCluster)
	b := startMain(t, onCluster)
	w := newRuleWorld(t, a)
	do(t, a, events.DefineFollowUpRule{RuleID: events.NewID(), Terms: events.RuleTerms{Metric: events.MetricNPS, MinScore: 0, MaxScore: 6,
		Assign: events.AssignCrewLead, DueInHours: 24}})
	replicas := []*Main{a, b}
	want := map[string]int{}
	var last uint64
	for i := range 40 {
		on := replicas[i%2]
		if err := on.engine.WaitFor(context.Background(), last); err != nil {
			t.Fatal(err)
		}
		id, seq := w.logFeedback(t, on, i%11)
		want[id], last = 0, seq
		if i%11 <= 6 {
			want[id] = 1
		}
	}
	// Both replicas judge every item again at once, as a redelivery to
	// each would: the log's duplicate window and the one follow-up per
	// item keep it to one.
	var wg sync.WaitGroup
	for _, m := range replicas {
		wg.Go(func() {
			err := m.Store().Read(context.Background(), events.FromSeq(1).Only("cx.feedback.*.feedback_logged"), func(rec events.Record) error {
				return m.rules.Judge(context.Background(), rec)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for id, n := range want {
		if got := followUpEvents(t, a, id)[opened]; got != n {
			t.Errorf("feedback %s has %d follow-ups opened, want %d", id, got, n)
		}
	}
}

// A rule's follow-up counts its due time from when the customer spoke: an
// item logged three days late is overdue at once, and escalated by the
// next pass.
func TestARulesFollowUpOnFeedbackLoggedLateIsDueFromWhenTheCustomerSpoke(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	m := startMain(t, func(c *Config) { c.Clock = clock.Now })
	w := newRuleWorld(t, m)
	do(t, m, events.DefineFollowUpRule{RuleID: events.NewID(), Terms: events.RuleTerms{Metric: events.MetricNPS, MinScore: 0, MaxScore: 6,
		Assign: events.AssignPerson, PersonID: w.fay, DueInHours: 24}})
	spoke := clock.Now().Add(-72 * time.Hour)
	item := events.NewID()
	res, err := m.engine.Execute(context.Background(), events.LogFeedback{FeedbackID: item, TouchpointID: w.touchpoint, Metric: events.MetricNPS, Score: 2, Source: events.SourceSurvey},
		events.Meta{Time: spoke})
	if err != nil {
		t.Fatal(err)
	}
	judged(t, m, res.Appended.LastSeq)
	f, ok := followUp(m, item)
	if !ok || !f.DueAt.Equal(spoke.Add(24*time.Hour)) {
		t.Fatalf("the follow-up is due at %v (opened %v), want a day after the customer spoke, %v", f.DueAt, ok, spoke.Add(24*time.Hour))
	}
	if n, err := m.rules.EscalateDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("the next pass escalated %d (%v), want the one overdue", n, err)
	}
}
