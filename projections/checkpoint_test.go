package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

func TestEveryModelIsCheckpointed(t *testing.T) {
	for _, m := range projections.NewViews().Models() {
		if _, ok := m.(projections.Checkpointed); !ok {
			t.Errorf("read model %s does not save itself into a checkpoint (projections.Checkpointed)", m.Name())
		}
	}
	var _ projections.Checkpointed = (*events.Engine)(nil)
}

// moreProgram adds to program what it leaves out: a token issued and
// revoked, follow-ups opened and closed, an action plan through its life,
// a KPI changed, a deferred initiative on every stage reopened, progress at 0 percent,
// a person who left, a stage renamed, a touchpoint given an owner and
// retired, and a keyed request.
func moreProgram(s *script, journey string) {
	a, b := events.NewID(), events.NewID()
	s.do(events.RegisterPerson{PersonID: a, Name: "Ada", Email: a + "@example.com", Department: "Sales"},
		events.RegisterPerson{PersonID: b, Name: "Bo", Email: b + "@example.com", Department: "IT"},
		events.SeatMember{PersonID: a, Department: "Sales"}, events.ChangeChair{PersonID: a},
		events.AppointSponsor{PersonID: a}, events.AppointCXManager{PersonID: b}, events.NameExpert{PersonID: b, Unit: "Billing"})
	tok := events.NewID()
	s.do(events.IssueToken{TokenID: tok, PersonID: b, Label: "laptop"}, events.RevokeToken{TokenID: tok, Reason: "lost"})
	var (
		st, tp string
		stages []string
	)
	s.engine.View(func(state *events.State) {
		j, _ := state.Journey(journey)
		st = j.Stages[0].ID
		for _, s := range j.Stages {
			stages = append(stages, s.ID)
		}
		for id := range j.Touchpoints {
			tp = id
			break
		}
	})
	crew := events.NewID()
	s.do(events.FormCrew{CrewID: crew, Name: "Owners", Type: events.CrewExperience, Purpose: "own"},
		events.RenameStage{JourneyID: journey, StageID: st, Name: "Renamed"},
		events.ChangeTouchpointOwner{JourneyID: journey, TouchpointID: tp, OwnerCrewID: crew})
	fb := s.feedback(tp, events.MetricNPS, 2, 3, 9)
	s.do(events.OpenFollowUp{FeedbackID: fb[0], AssigneeID: b, Note: "call back"},
		events.OpenFollowUp{FeedbackID: fb[1], AssigneeID: b},
		events.CloseFollowUp{FeedbackID: fb[0], ActionTaken: "called", CustomerInformed: true})
	plan, act := events.NewID(), events.NewID()
	s.do(events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Win back", FeedbackIDs: fb[:1],
		Actions: []events.PlannedAction{{ActionID: act, Description: "visit"}, {ActionID: events.NewID(), Description: "write"}}},
		events.ShareActionPlan{ActionPlanID: plan, SharedWith: "ACME's buyer"},
		events.CompleteAction{ActionPlanID: plan, ActionID: act, Note: "went"})
	accounts(s, a, tp)
	kpi, churn := events.NewID(), events.NewID()
	target := 42.5
	s.do(events.DefineKPI{KPIID: kpi, Name: "CSAT", Metric: events.MetricCSAT, Unit: "%", Target: 80, Direction: events.HigherIsBetter,
		Feedback: events.FeedbackScope{TouchpointID: tp, Segment: "smb"}},
		events.ChangeKPI{KPIID: kpi, Target: &target},
		events.DefineKPI{KPIID: churn, Name: "Churn", Metric: "churn_rate", Unit: "%", Target: 5, Direction: events.LowerIsBetter},
		events.RecordMeasurement{KPIID: churn, Value: 0})
	ini, zero := events.NewID(), 0
	s.do(events.ProposeInitiative{InitiativeID: ini, Title: "Later", Problem: "p", ProposedBy: a,
		StageIDs: stages, TouchpointIDs: []string{tp}, KPIIDs: []string{kpi, churn}},
		events.CastVote{InitiativeID: ini, PersonID: a, Vote: events.VoteApprove},
		events.DecideInitiative{InitiativeID: ini, DecidedBy: a, Outcome: events.OutcomeDeferred, Rationale: "not now"},
		events.ReopenInitiative{InitiativeID: ini, ReopenedBy: a, Rationale: "now"},
		events.CastVote{InitiativeID: ini, PersonID: a, Vote: events.VoteApprove},
		events.DecideInitiative{InitiativeID: ini, DecidedBy: a, Outcome: events.OutcomeApproved, Rationale: "go"},
		events.AssignOwner{InitiativeID: ini, PersonID: b, CrewID: crew},
		events.StartInitiative{InitiativeID: ini},
		events.ReportProgress{InitiativeID: ini, Note: "begun", PercentComplete: &zero})
	if _, err := s.engine.Execute(context.Background(), events.RegisterPerson{PersonID: events.NewID(), Name: "Keyed", Email: "keyed@example.com", Department: "IT"},
		events.Meta{Actor: "script", ActorToken: tok, IdempotencyKey: "key-1"}); err != nil {
		s.t.Fatal(err)
	}
	s.do(events.RetireTouchpoint{JourneyID: journey, TouchpointID: tp, Reason: "closed"},
		events.RecordDeparture{PersonID: b, Reason: "moved on"})
}

// rebuilt is a fresh projector on the script's log, with its engine and
// views.
func rebuilt(t *testing.T, s *script) (*projections.Projector, *events.Engine, *projections.Views) {
	t.Helper()
	e, err := events.NewEngine(s.store)
	if err != nil {
		t.Fatal(err)
	}
	v := projections.NewViews()
	return projections.NewProjector(s.store, e, nil, v.Models()...), e, v
}

// everything is all a projector's engine and views hold, for comparing two.
func everything(e *events.Engine, v *projections.Views) string {
	var state string
	e.View(func(s *events.State) { state = projections.Dump(s) })
	return state + "\n" + projections.Dump(v)
}

// roundTrip writes a checkpoint out and reads it back, as the bucket would.
func roundTrip(t *testing.T, c *projections.Checkpoint) *projections.Checkpoint {
	t.Helper()
	var b bytes.Buffer
	if n, err := c.WriteTo(&b); err != nil || n != c.Size() {
		t.Fatalf("wrote %d bytes of %d: %v", n, c.Size(), err)
	}
	back, err := projections.ReadCheckpoint(&b)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// A checkpoint taken anywhere in a scripted history, loaded into fresh
// models, and followed by the rest of the log gives what a replay from
// sequence 1 gives: the same checkpoint bytes for every model and the
// state, the same digest, the same models field for field, the same views.
func TestACheckpointAndTheTailEqualAFullReplay(t *testing.T) {
	s := newScript(t)
	moreProgram(s, program(s))
	ctx := context.Background()

	full, fe, fv := rebuilt(t, s)
	var cuts []*projections.Checkpoint
	want := func(seq uint64) bool { return seq%5 == 1 }
	res, err := full.Rebuild(ctx, want, func(c *projections.Checkpoint) error { cuts = append(cuts, c); return nil }, nil)
	if err != nil || res.Skipped > 0 {
		t.Fatalf("full replay: %v, %d skipped", err, res.Skipped)
	}
	end, err := full.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if len(cuts) < 20 {
		t.Fatalf("only %d cuts", len(cuts))
	}
	fullViews, _ := json.Marshal(fv.Snapshot())
	for _, cut := range cuts {
		p, e, v := rebuilt(t, s)
		if err := p.Restore(roundTrip(t, cut)); err != nil {
			t.Fatalf("restore at %d: %v", cut.Seq, err)
		}
		if _, err := p.Rebuild(ctx, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		if p.Digest() != full.Digest() {
			t.Fatalf("from the checkpoint at %d the digest is %s, a full replay's %s", cut.Seq, p.Digest(), full.Digest())
		}
		again, err := p.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if diff := again.Differences(end); len(diff) > 0 {
			t.Fatalf("from the checkpoint at %d, these differ from a full replay: %s", cut.Seq, strings.Join(diff, "; "))
		}
		if got, want := everything(e, v), everything(fe, fv); got != want {
			t.Fatalf("from the checkpoint at %d the models differ from a full replay's:\n%s\n---\n%s", cut.Seq, got, want)
		}
		if views, _ := json.Marshal(v.Snapshot()); !bytes.Equal(views, fullViews) {
			t.Fatalf("from the checkpoint at %d the views differ from a full replay's", cut.Seq)
		}
	}
}

// A checkpoint that is damaged, cut short or of another format does not
// read, and says why.
func TestADamagedCheckpointDoesNotRead(t *testing.T) {
	s := newScript(t)
	program(s)
	p, _, _ := rebuilt(t, s)
	if _, err := p.Rebuild(context.Background(), nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	c, err := p.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.WriteTo(&b)
	good := b.Bytes()
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		says string
	}{
		{"a byte flipped in a part", func(b []byte) []byte { b[len(b)-10] ^= 0xff; return b }, "does not match its SHA-256"},
		{"cut short", func(b []byte) []byte { return b[:len(b)-100] }, "cut short"},
		{"not a checkpoint", func(b []byte) []byte { return []byte("{}") }, "not a checkpoint"},
		{"another format", func(b []byte) []byte {
			// A neighbour spelled in as many digits (9 and 8, 10 and 11),
			// so that the header keeps its length.
			other := projections.CheckpointFormat ^ 1
			return bytes.Replace(b, fmt.Appendf(nil, `"format":%d`, projections.CheckpointFormat), fmt.Appendf(nil, `"format":%d`, other), 1)
		}, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := projections.ReadCheckpoint(bytes.NewReader(tc.edit(bytes.Clone(good))))
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("read: %v, want it to say %q", err, tc.says)
			}
		})
	}
}
