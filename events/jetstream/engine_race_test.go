package jetstream_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// replica is one writer: an Engine fed by its own subscription to the log,
// as each server process has.
func replica(t *testing.T, ctx context.Context, store events.Store) *events.Engine {
	t.Helper()
	e, err := events.NewEngine(store, events.WithAttempts(100))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if err := store.Follow(ctx, events.FromSeq(1), e.Apply); err != nil && ctx.Err() == nil {
			t.Errorf("follow: %v", err)
		}
	}()
	return e
}

// must executes cmd, which must be accepted, then waits until every replica
// has applied it, as a client does with X-Min-Seq before it turns to another
// replica; only the test's goroutine calls it.
func must(t *testing.T, e *events.Engine, cmd events.Command, replicas ...*events.Engine) events.Result {
	t.Helper()
	res, err := e.Execute(context.Background(), cmd, events.Meta{Actor: "race-test"})
	if err != nil {
		t.Fatalf("%T: %v", cmd, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range replicas {
		if err := r.WaitFor(ctx, res.Appended.LastSeq); err != nil {
			t.Fatalf("%T: replica did not catch up: %v", cmd, err)
		}
	}
	return res
}

// try executes cmd from a writer goroutine, reporting an error unless it is
// a rejection with one of the codes allowed.
func try(t *testing.T, e *events.Engine, cmd events.Command, allowed ...string) {
	t.Helper()
	_, err := e.Execute(context.Background(), cmd, events.Meta{Actor: "race-test"})
	if err != nil && !slices.Contains(allowed, events.ErrorCode(err)) {
		t.Errorf("%T: %v", cmd, err)
	}
}

// TestTwoWritersRace has two replicas write to one initiative's votes and
// one crew's members at once. Every accepted command must be in the log and
// in both replicas' state, and no rule may be broken by the interleaving.
func TestTwoWritersRace(t *testing.T) {
	store := jstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	a, b := replica(t, ctx, store), replica(t, ctx, store)
	writers := []*events.Engine{a, b}

	// The council: six seated members, the first the chair.
	const seats = 6
	var members []string
	for i := range seats {
		pid := events.NewID()
		members = append(members, pid)
		must(t, a, events.RegisterPerson{PersonID: pid, Name: fmt.Sprintf("M%d", i), Email: pid + "@example.com", Department: "Ops"}, writers...)
		must(t, b, events.SeatMember{PersonID: pid, Chair: i == 0}, writers...)
	}
	ini := events.NewID()
	must(t, a, events.ProposeInitiative{InitiativeID: ini, Title: "Fix the IVR", Problem: "Callers give up", ProposedBy: members[1]}, writers...)

	t.Run("votes", func(t *testing.T) {
		// Every member votes twice, each time through another replica, all at
		// once: first reject, then approve. One member's final vote is abstain.
		var wg sync.WaitGroup
		for i, pid := range members {
			wg.Go(func() {
				try(t, writers[i%2], events.CastVote{InitiativeID: ini, PersonID: pid, Vote: events.VoteReject})
				final := events.VoteApprove
				if i == seats-1 {
					final = events.VoteAbstain
				}
				try(t, writers[(i+1)%2], events.CastVote{InitiativeID: ini, PersonID: pid, Vote: final, Comment: "on reflection"})
			})
		}
		wg.Wait()
		res := must(t, b, events.DecideInitiative{InitiativeID: ini, DecidedBy: members[2], Outcome: events.OutcomeApproved}, writers...)
		for _, e := range writers {
			if err := e.WaitFor(ctx, res.Appended.LastSeq); err != nil {
				t.Fatal(err)
			}
			e.View(func(s *events.State) {
				in, _ := s.Initiative(ini)
				if len(in.Votes) != seats {
					t.Errorf("%d votes kept, want %d", len(in.Votes), seats)
				}
				d := in.Decision
				if d == nil || d.Tally != (events.Tally{Approve: seats - 1, Abstain: 1, Voted: seats, Seats: seats}) || !d.Quorum {
					t.Errorf("decision %+v", d)
				}
				// Proposal, two votes per member, decision.
				if v := s.Stream(events.Aggregate{Kind: events.KindInitiative, ID: ini}).Version; v != 2*seats+2 {
					t.Errorf("initiative version %d, want %d", v, 2*seats+2)
				}
			})
		}
	})

	t.Run("votes race the decision", func(t *testing.T) {
		// Late votes race a chair's decision: whatever wins, no vote may be
		// stored after the decision, and the aggregate versions run 1, 2, 3...
		// with no repeat.
		ini2 := events.NewID()
		must(t, a, events.ProposeInitiative{InitiativeID: ini2, Title: "Chatbot", Problem: "Slow answers", ProposedBy: members[1]}, writers...)
		var wg sync.WaitGroup
		for i, pid := range members[1:] {
			wg.Go(func() {
				try(t, writers[i%2], events.CastVote{InitiativeID: ini2, PersonID: pid, Vote: events.VoteApprove}, events.CodeRuleForbids)
			})
		}
		wg.Go(func() {
			try(t, b, events.DecideInitiative{InitiativeID: ini2, DecidedBy: members[0], Outcome: events.OutcomeDeferred, Rationale: "not this quarter"})
		})
		wg.Wait()
		checkLog(t, ctx, store, events.Aggregate{Kind: events.KindInitiative, ID: ini2}, events.EventInitiativeDecided, events.EventVoteCast)
	})

	t.Run("crew members", func(t *testing.T) {
		crew := events.NewID()
		must(t, a, events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "Watch the seams"}, writers...)
		const joiners = 16
		var people []string
		for i := range joiners {
			pid := events.NewID()
			people = append(people, pid)
			must(t, writers[i%2], events.RegisterPerson{PersonID: pid, Name: fmt.Sprintf("J%d", i), Email: pid + "@example.com", Department: "Ops"}, writers...)
		}
		var wg sync.WaitGroup
		for i, pid := range people {
			wg.Go(func() {
				role := events.RoleMember
				if i == 0 {
					role = events.RoleLead
				}
				try(t, writers[i%2], events.JoinCrew{CrewID: crew, PersonID: pid, Role: role})
			})
		}
		wg.Wait()
		// The last join may be either replica's: wait for the log's end.
		last, err := store.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range writers {
			if err := e.WaitFor(ctx, last); err != nil {
				t.Fatal(err)
			}
			e.View(func(s *events.State) {
				c, _ := s.Crew(crew)
				if len(c.Members) != joiners {
					t.Errorf("%d members kept, want %d", len(c.Members), joiners)
				}
			})
		}
	})

	t.Run("joins race the disbandment", func(t *testing.T) {
		crew := events.NewID()
		must(t, b, events.FormCrew{CrewID: crew, Name: "Short-lived", Type: events.CrewPlatform, Purpose: "p"}, writers...)
		var wg sync.WaitGroup
		for i, pid := range members {
			wg.Go(func() {
				try(t, writers[i%2], events.JoinCrew{CrewID: crew, PersonID: pid, Role: events.RoleMember}, events.CodeRuleForbids)
			})
		}
		wg.Go(func() { try(t, a, events.DisbandCrew{CrewID: crew, Reason: "merged"}) })
		wg.Wait()
		checkLog(t, ctx, store, events.Aggregate{Kind: events.KindCrew, ID: crew}, events.EventCrewDisbanded, events.EventMemberJoined)
	})
}

// checkLog reads agg's events from the log and fails if an event called
// after is stored once the event called closing is.
func checkLog(t *testing.T, ctx context.Context, store events.Store, agg events.Aggregate, closing, after string) {
	t.Helper()
	closed := false
	var version uint64
	err := store.Read(ctx, events.FromSeq(1), func(rec events.Record) error {
		if rec.Event.Subject != agg.String() {
			return nil
		}
		version++
		if rec.Event.AggregateVersion != version {
			t.Errorf("seq %d: aggregate version %d, want %d", rec.Seq, rec.Event.AggregateVersion, version)
		}
		switch rec.Event.Name() {
		case closing:
			closed = true
		case after:
			if closed {
				t.Errorf("seq %d: %s stored after %s", rec.Seq, after, closing)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !closed {
		t.Errorf("no %s stored", closing)
	}
}
