package rules

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cxtracker/events"
)

// ConsumerName is the durable consumer the manager follows the feedback
// through, shared by every replica.
const ConsumerName = "cx-followup-rules"

// Source is the CloudEvents source of the events the manager writes.
const Source = "/cxtracker/rules"

// feedbackSubject is the filter of the feedback logged.
var feedbackSubject = events.SubjectPrefix + "." + events.KindFeedback + ".*." + events.EventFeedbackLogged

// Log is what the manager needs of the event log: reads (for the rules) and
// a durable consumer (for the feedback).
type Log interface {
	events.Store
	Consume(ctx context.Context, name, filter string, workers int, fn func(events.Record) error) error
}

// workers is how many feedback items one manager judges at once: each
// opening waits for its append and the projector, and the appends of many
// follow-ups at once go out in one batch, sharing the log's fsync. At 32
// the manager fell about 9 s behind a 10,000-line import (a rule matching
// 7 lines in 11), at 256 about 2 s (BenchmarkRuleLag).
const workers = 256

// Options are the manager's settings.
type Options struct {
	Clock  events.Clock
	Logger *slog.Logger
	// EscalateEvery is how often it looks for overdue follow-ups (a
	// minute when zero, never when negative: a tracker that only loads a
	// program, like the demo's own, leaves escalating to the one that
	// serves it).
	EscalateEvery time.Duration
	// Ready, when set, waits until the tracker has caught up with the
	// log: the first escalation pass waits for it, so that it judges
	// what is overdue by every follow-up there is, closures included.
	Ready func(context.Context) error
}

// Manager is the process manager of the follow-up rules.
type Manager struct {
	log    Log
	engine *events.Engine
	opts   Options
	rules  *rulebook

	// judging are the sequences being judged, done the highest judged:
	// everything delivered up to the lowest being judged is done.
	progress  sync.Mutex
	judging   map[uint64]bool
	done      uint64
	opened    atomic.Uint64
	escalated atomic.Uint64
	skipped   atomic.Uint64
	passes    atomic.Uint64
	escalate  sync.Mutex
}

// New is a manager writing through engine, whose feed must apply the log
// (so that a write waits until it is applied).
func New(log Log, engine *events.Engine, opts Options) *Manager {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.EscalateEvery == 0 {
		opts.EscalateEvery = time.Minute
	}
	return &Manager{log: log, engine: engine, opts: opts, rules: newRulebook(log), judging: map[uint64]bool{}}
}

// Run follows the feedback and escalates overdue follow-ups until ctx
// ends.
func (m *Manager) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if m.opts.EscalateEvery > 0 {
		wg.Go(func() { m.escalateLoop(ctx) })
	}
	err := m.log.Consume(ctx, ConsumerName, feedbackSubject, workers, func(rec events.Record) error { return m.Judge(ctx, rec) })
	wg.Wait()
	return err
}

// Stats is what the manager has done since it started.
type Stats struct {
	// Judged is the sequence up to which every feedback item delivered
	// has been judged.
	Judged    uint64 `json:"judged_seq"`
	Opened    uint64 `json:"opened"`
	Escalated uint64 `json:"escalated"`
	Skipped   uint64 `json:"skipped"`
	// Passes is how many escalation passes have been made.
	Passes uint64 `json:"escalation_passes"`
}

// Stats is what the manager has done since it started.
func (m *Manager) Stats() Stats {
	return Stats{Judged: m.judgedThrough(), Opened: m.opened.Load(), Escalated: m.escalated.Load(), Skipped: m.skipped.Load(), Passes: m.passes.Load()}
}

// Judge opens the follow-up of one logged feedback item if a rule matched
// it where it stands in the log. A record it cannot read (damaged, of a
// type or version it does not know) is logged, counted and passed over, so
// that one poison message never stops the manager; an error means the
// record is to come again.
func (m *Manager) Judge(ctx context.Context, rec events.Record) error {
	e, ok := m.feedback(rec)
	if !ok {
		return nil
	}
	m.judgingStarts(rec.Seq)
	defer m.judgedTo(rec.Seq)
	// The write side must know the item (and its touchpoint as of it)
	// before a follow-up can be opened on it.
	if err := m.engine.WaitFor(ctx, rec.Seq); err != nil {
		return err
	}
	var stageID, journeyID string
	m.engine.View(func(s *events.State) {
		if tp, ok := s.Touchpoint(e.TouchpointID); ok {
			stageID, journeyID = tp.StageID, tp.JourneyID
		}
	})
	matches, err := m.rules.matching(ctx, rec.Seq, func(t events.RuleTerms) bool {
		return t.Matches(e.Metric, e.Score, e.Segment, e.TouchpointID, stageID, journeyID)
	})
	if err != nil || len(matches) == 0 {
		return err
	}
	// The first rule defined that matches opens the one follow-up.
	return m.open(ctx, rec, e, matches[0])
}

// feedback is the item a record logs, false (and counted as skipped, with
// a warning) when the record cannot be read as one.
func (m *Manager) feedback(rec events.Record) (events.FeedbackLogged, bool) {
	var p events.Payload
	err := rec.Damage
	if err == nil {
		p, err = events.DecodePayload(rec.Event)
	}
	e, ok := p.(events.FeedbackLogged)
	if err == nil && !ok {
		return e, false
	}
	if err != nil {
		m.skipped.Add(1)
		m.opts.Logger.Warn("follow-up rules: passing over a record that cannot be read", "seq", rec.Seq, "subject", rec.Subject, "err", err)
		return e, false
	}
	return e, true
}

// judgingStarts notes that the item at seq is being judged.
func (m *Manager) judgingStarts(seq uint64) {
	m.progress.Lock()
	defer m.progress.Unlock()
	m.judging[seq] = true
}

// judgedTo notes that the manager has judged the item at seq.
func (m *Manager) judgedTo(seq uint64) {
	m.progress.Lock()
	defer m.progress.Unlock()
	delete(m.judging, seq)
	m.done = max(m.done, seq)
}

// judgedThrough is the sequence up to which everything delivered has been
// judged: the highest judged, or just below the lowest still being judged.
func (m *Manager) judgedThrough() uint64 {
	m.progress.Lock()
	defer m.progress.Unlock()
	through := m.done
	for seq := range m.judging {
		through = min(through, seq-1)
	}
	return through
}

// open opens the follow-up a rule asks for, under an id derived from the
// item and the rule. A follow-up the item has already (opened by this
// manager before, elsewhere, or by hand) is the end of it.
func (m *Manager) open(ctx context.Context, rec events.Record, e events.FeedbackLogged, r match) error {
	assignee := m.assignee(e.TouchpointID, r.terms)
	// The follow-up is opened when the customer spoke, so its due time
	// counts from then: feedback logged late (an import of last week's
	// survey) is due when it would have been, never later than from now.
	now := minTime(rec.Event.Time, m.opts.Clock.Now())
	id := events.DerivedID("followup opened", e.FeedbackID, r.ruleID)
	meta := events.Meta{Source: Source, CausationID: rec.Event.ID, CorrelationID: rec.Event.CorrelationID, Time: now,
		EventID: func(int) string { return id }}
	_, err := m.engine.Execute(ctx, events.OpenFollowUp{FeedbackID: e.FeedbackID, AssigneeID: assignee, RuleID: r.ruleID, DueAt: r.terms.Due(now)}, meta)
	switch code := events.ErrorCode(err); {
	case err == nil:
		m.opened.Add(1)
		return nil
	case code == events.CodeRuleForbids || code == events.CodeQuarantined:
		// Opened already; or its history cannot be decided on, which
		// coming again would not change.
		return nil
	case code != "":
		m.skipped.Add(1)
		m.opts.Logger.Warn("follow-up rules: a follow-up was refused", "feedback_id", e.FeedbackID, "rule_id", r.ruleID, "err", err)
		return nil
	}
	return err
}

// assignee is who a rule's follow-up at a touchpoint goes to now: the
// person the rule names, or the lead of the crew that owns the touchpoint
// (the first by id if it has several); nobody when they have left or there
// is none.
func (m *Manager) assignee(touchpointID string, t events.RuleTerms) string {
	var who string
	m.engine.View(func(s *events.State) {
		switch t.Assign {
		case events.AssignPerson:
			who = t.PersonID
		case events.AssignCrewLead:
			tp, ok := s.Touchpoint(touchpointID)
			if !ok {
				return
			}
			c, ok := s.Crew(tp.OwnerCrewID)
			if !ok {
				return
			}
			var leads []string
			for id, role := range c.Members {
				if role == events.RoleLead {
					leads = append(leads, id)
				}
			}
			if len(leads) > 0 {
				who = slices.Min(leads)
			}
		}
		if p, ok := s.Person(who); !ok || p.Left {
			who = ""
		}
	})
	return who
}

// minTime is the earlier of a and b; a zero a is b.
func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}
