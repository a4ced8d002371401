package projections

import (
	"testing"
	"time"

	"cxtracker/events"
)

func TestInitiativesKeepVoteHistoryAndTheDecisionLog(t *testing.T) {
	m := NewInitiatives()
	l := given(t, m)
	for _, id := range []string{"a", "b", "x"} {
		l.PlayBy(personAgg(id), "admin", events.PersonRegistered{PersonID: id, Name: "Person " + id, Email: id + "@example.com", Department: "D"})
	}
	l.PlayBy(crewAgg("c1"), "admin", events.CrewFormed{CrewID: "c1", Name: "Seams", Type: events.CrewExperience, Purpose: "p"})
	one := events.Aggregate{Kind: events.KindInitiative, ID: "i1"}
	two := events.Aggregate{Kind: events.KindInitiative, ID: "i2"}
	l.PlayBy(one, "a", events.InitiativeProposed{InitiativeID: "i1", Title: "Call back", Problem: "waits", ProposedBy: "a", KPIIDs: []string{"k1"}},
		events.VoteCast{PersonID: "a", Vote: events.VoteApprove},
		events.VoteCast{PersonID: "b", Vote: events.VoteReject, Comment: "cost"},
		events.VoteCast{PersonID: "b", Vote: events.VoteApprove, Comment: "pilot", PreviousVote: events.VoteReject})
	decidedAt := l.Now().Add(time.Minute)
	l.PlayBy(one, "b", events.InitiativeDecided{Outcome: events.OutcomeApproved, DecidedBy: "b", Quorum: true,
		Tally: events.Tally{Approve: 2, Voted: 2, Seats: 3}})
	l.PlayBy(two, "a", events.InitiativeProposed{InitiativeID: "i2", Title: "Letters", Problem: "confusing", ProposedBy: "a"},
		events.InitiativeDecided{Outcome: events.OutcomeDeferred, Rationale: "budget", DecidedBy: "a", ChairDecision: true, Tally: events.Tally{Seats: 3}})

	if got := m.ApprovedWithoutOwner(); len(got) != 1 || got[0] != "i1" {
		t.Fatalf("approved without owner %v", got)
	}
	pct := 60
	l.PlayBy(one, "x", events.OwnerAssigned{PersonID: "x", CrewID: "c1"}, events.InitiativeStarted{},
		events.ProgressReported{Note: "half way", PercentComplete: &pct}, events.ProgressReported{Note: "no figure"})
	l.PlayBy(one, "x", events.InitiativeCompleted{Outcome: "20h call backs"})

	v, _ := m.Get("i1")
	if v.Status != events.StatusCompleted || len(v.Votes) != 2 || v.Votes[1].Vote != events.VoteApprove || v.Votes[1].Earlier[0].Comment != "cost" ||
		v.Owner.PersonName != "Person x" || v.Owner.CrewName != "Seams" || *v.PercentComplete != 60 || len(v.Progress) != 2 ||
		v.Progress[0].ReportedBy != "x" || v.Completion.Outcome != "20h call backs" || v.KPIIDs[0] != "k1" || v.StageIDs == nil {
		t.Fatalf("initiative %+v", v)
	}
	if got := m.ApprovedWithoutOwner(); len(got) != 0 {
		t.Fatalf("approved without owner %v", got)
	}
	counts := m.CountByStatus()
	if counts[events.StatusCompleted] != 1 || counts[events.StatusDeferred] != 1 || counts[events.StatusProposed] != 0 || len(counts) != 7 {
		t.Fatalf("counts %v", counts)
	}
	all := m.Decisions(DecisionFilter{})
	if len(all) != 2 || all[0].InitiativeID != "i1" || !all[0].Decision.DecidedAt.Equal(decidedAt) || all[0].Afterwards.Status != events.StatusCompleted ||
		all[1].Decision.Rationale != "budget" || !all[1].Decision.ChairDecision || all[1].Proposal.Proposer.Name != "Person a" {
		t.Fatalf("decision log %+v", all)
	}
	for _, tc := range []struct {
		f    DecisionFilter
		want int
	}{
		{DecisionFilter{Outcome: events.OutcomeDeferred}, 1},
		{DecisionFilter{From: decidedAt}, 2},
		{DecisionFilter{From: decidedAt.Add(time.Second)}, 1},
		{DecisionFilter{To: decidedAt}, 0},
		{DecisionFilter{To: decidedAt.Add(time.Second), Outcome: events.OutcomeApproved}, 1},
	} {
		if got := m.Decisions(tc.f); len(got) != tc.want {
			t.Errorf("%+v found %d decisions, want %d", tc.f, len(got), tc.want)
		}
	}
	if got := m.List("", "c1"); len(got) != 1 || got[0].ID != "i1" || got[0].DecidedAt == nil {
		t.Fatalf("board of c1 %+v", got)
	}
	if got := m.List(events.StatusDeferred, ""); len(got) != 1 || got[0].ID != "i2" {
		t.Fatalf("deferred board %+v", got)
	}
}
