package projections

import (
	"io"
	"time"

	"cxtracker/events"
)

// savedInitiatives is the initiative model as a checkpoint holds it.
type savedInitiatives struct {
	Who         directory
	CrewNames   map[string]string
	Initiatives map[string]savedInitiative
}

type savedInitiative struct {
	ID, Title, Problem, Proposer    string
	StageIDs, TouchpointIDs, KPIIDs []string
	Status                          string
	ProposedAt                      time.Time
	Votes                           []savedVote
	Decision                        *savedDecision
	Rounds                          []savedRound
	OwnerPerson, OwnerCrew          string
	OwnerAt                         time.Time
	StartedAt                       *time.Time
	Percent                         *int
	Progress                        []ProgressView
	Completion                      *CompletionView
	Cancellation                    *CancellationView
}

type savedVote struct {
	PersonID string
	Casts    []VoteCastView
}

type savedDecision struct {
	Event events.InitiativeDecided
	At    time.Time
	// Stored is when the log recorded the decision.
	Stored time.Time
	Seq    uint64
}

type savedRound struct {
	Votes     []savedVote
	Decision  *savedDecision
	Reopening events.InitiativeReopened
	At        time.Time
	Seq       uint64
}

// SaveCheckpoint implements Checkpointed.
func (m *Initiatives) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := savedInitiatives{Who: m.who, CrewNames: m.crewNames, Initiatives: make(map[string]savedInitiative, len(m.initiatives))}
	for id, in := range m.initiatives {
		s.Initiatives[id] = savedInitiative{
			ID: in.id, Title: in.title, Problem: in.problem, Proposer: in.proposer,
			StageIDs: in.stageIDs, TouchpointIDs: in.touchpointIDs, KPIIDs: in.kpiIDs, Status: in.status, ProposedAt: in.proposedAt,
			Votes: convert(in.votes, saveVote), Decision: saveDecision(in.decision),
			Rounds: convert(in.rounds, func(r roundRow) savedRound {
				return savedRound{Votes: convert(r.votes, saveVote), Decision: saveDecision(r.decision), Reopening: r.reopening, At: r.at, Seq: r.seq}
			}),
			OwnerPerson: in.ownerPerson, OwnerCrew: in.ownerCrew, OwnerAt: in.ownerAt, StartedAt: in.startedAt, Percent: in.percent,
			Progress: in.progress, Completion: in.completion, Cancellation: in.cancellation,
		}
	}
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed.
func (m *Initiatives) LoadCheckpoint(r io.Reader) error {
	var s savedInitiatives
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.who, s.Who)
	keepMap(&m.crewNames, s.CrewNames)
	for id, in := range s.Initiatives {
		m.initiatives[id] = &initiativeRow{
			id: in.ID, title: in.Title, problem: in.Problem, proposer: in.Proposer,
			stageIDs: in.StageIDs, touchpointIDs: in.TouchpointIDs, kpiIDs: in.KPIIDs, status: in.Status, proposedAt: in.ProposedAt,
			votes: convert(in.Votes, loadVote), decision: loadDecision(in.Decision),
			rounds: convert(in.Rounds, func(r savedRound) roundRow {
				return roundRow{votes: convert(r.Votes, loadVote), decision: loadDecision(r.Decision), reopening: r.Reopening, at: r.At, seq: r.Seq}
			}),
			ownerPerson: in.OwnerPerson, ownerCrew: in.OwnerCrew, ownerAt: in.OwnerAt, startedAt: in.StartedAt, percent: in.Percent,
			progress: in.Progress, completion: in.Completion, cancellation: in.Cancellation,
		}
	}
	return nil
}

func saveVote(v *voteRow) savedVote { return savedVote{PersonID: v.personID, Casts: v.casts} }
func loadVote(v savedVote) *voteRow { return &voteRow{personID: v.PersonID, casts: v.Casts} }

func saveDecision(d *decisionRow) *savedDecision {
	if d == nil {
		return nil
	}
	return &savedDecision{Event: d.event, At: d.at, Stored: d.stored, Seq: d.seq}
}

func loadDecision(d *savedDecision) *decisionRow {
	if d == nil {
		return nil
	}
	return &decisionRow{event: d.Event, at: d.At, stored: d.Stored, seq: d.Seq}
}
