package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// councilFuncs are the decision timeline's and the initiative pages' own
// template functions.
var councilFuncs = template.FuncMap{
	"councilTally": tallyWords,
	// councilRound numbers an earlier round from its index.
	"councilRound": func(i int) int { return i + 1 },
}

// tallyWords is a decision's tally in words: the votes each way and how
// many of the seats voted.
func tallyWords(t projections.TallyView) string {
	return fmt.Sprintf("%d approve, %d reject, %d abstain; %d of %d seats voted", t.Approve, t.Reject, t.Abstain, t.Voted, t.Seats)
}

// historyLine is one event of an initiative in words: when, who, what.
type historyLine struct {
	Seq   uint64
	Event string
	// When is when it happened; Recorded when the log recorded it, and
	// Late whether that was late (the API's recorded_late).
	When, Recorded time.Time
	Late           bool
	Who            string
	// By is who recorded it, when that is not Who (an administrator's
	// token acting for a member).
	By   string
	What string
}

// namer names people and crews by id, as the pages show them.
type namer struct {
	people map[string]string
	crews  map[string]string
}

// person is the name of the person with id, or the id; an actor that is a
// token (token/<id>) is named as the token.
func (n namer) person(id string) string {
	if name, ok := n.people[id]; ok {
		return name
	}
	if tok, ok := strings.CutPrefix(id, "token/"); ok {
		return "token " + tok
	}
	return id
}

// historyLines are an initiative's events in words, oldest first.
func historyLines(h api.History, n namer) []historyLine {
	out := make([]historyLine, 0, len(h.Events))
	for _, ev := range h.Events {
		l := historyLine{Seq: ev.Seq, Event: ev.Event, When: ev.OccurredAt, Recorded: ev.RecordedAt, Late: ev.RecordedLate, Who: n.person(ev.Actor)}
		p, err := events.DecodePayload(events.Event{Type: ev.Type, SchemaVersion: ev.SchemaVersion, Data: ev.Data})
		if err != nil {
			l.What = strings.ReplaceAll(ev.Event, "_", " ")
			out = append(out, l)
			continue
		}
		member, what := describeInitiativeEvent(p, n)
		l.What = what
		if member != "" && member != ev.Actor {
			l.Who, l.By = n.person(member), l.Who
		}
		out = append(out, l)
	}
	return out
}

// describeInitiativeEvent says what an event of an initiative did, and
// which council member it was done as, when the event names one.
func describeInitiativeEvent(p events.Payload, n namer) (member, what string) {
	switch e := p.(type) {
	case events.InitiativeProposed:
		return e.ProposedBy, "Proposed it: " + e.Problem
	case events.VoteCast:
		what = "Voted " + e.Vote
		if e.PreviousVote != "" {
			what = "Changed their vote from " + e.PreviousVote + " to " + e.Vote
		}
		if e.Comment != "" {
			what += ": “" + e.Comment + "”"
		}
		return e.PersonID, what
	case events.InitiativeDecided:
		how := "with a quorum"
		if e.ChairDecision {
			how = "as the chair's decision, without a quorum"
		}
		what = "Decided: " + e.Outcome + ", " + how + " (" + tallyWords(projections.TallyView(e.Tally)) + ")"
		if e.Rationale != "" {
			what += ". Why: " + e.Rationale
		}
		return e.DecidedBy, what
	case events.InitiativeReopened:
		return e.ReopenedBy, "Reopened it for a new round of votes: " + e.Rationale
	case events.OwnerAssigned:
		var owners []string
		if e.PersonID != "" {
			owners = append(owners, n.person(e.PersonID))
		}
		if e.CrewID != "" {
			crew := n.crews[e.CrewID]
			if crew == "" {
				crew = e.CrewID
			}
			owners = append(owners, "the "+crew+" crew")
		}
		return "", "Made " + strings.Join(owners, " and ") + " the owner"
	case events.InitiativeStarted:
		return "", "Started the work"
	case events.ProgressReported:
		what = "Reported progress"
		if e.PercentComplete != nil {
			what += fmt.Sprintf(" (%d%%)", *e.PercentComplete)
		}
		return "", what + ": " + e.Note
	case events.InitiativeCompleted:
		return "", "Completed it: " + e.Outcome
	case events.InitiativeCancelled:
		return "", "Cancelled it: " + e.Reason
	}
	return "", strings.ReplaceAll(p.EventName(), "_", " ")
}
