package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// initiativePage is one initiative in full, its history in words, and the
// forms its status allows.
type initiativePage struct {
	In projections.InitiativeView
	// Version is the initiative's version the page was drawn at; its
	// forms send it back as If-Match.
	Version uint64
	History []historyLine
	Council projections.CouncilView
	// MyVote is the standing vote of the person signed in, if they voted.
	MyVote *projections.VoteView
	// Voted counts the standing votes of members now seated.
	Voted   int
	Experts []projections.PersonView
	Crews   []projections.CrewView
	ActFor  []projections.CouncilMember
	// Votes and Outcomes are what the vote and decide forms offer.
	Votes, Outcomes []string
	// Targets name the stages, touchpoints and KPIs the proposal targets.
	Targets targets
	Form    formState
}

// targets are the names of what a proposal targets.
type targets struct {
	Stages, Touchpoints, KPIs []string
}

// targetsOf names the stages, touchpoints and KPIs of a proposal (an id
// stands for itself when it is not found).
func targetsOf(pr projections.ProposalView, journeys []projections.JourneyView, kpis []projections.KPIView) targets {
	names := map[string]string{}
	for _, j := range journeys {
		for _, st := range j.Stages {
			names[st.ID] = st.Name
			for _, tp := range st.Touchpoints {
				names[tp.ID] = tp.Name
			}
		}
	}
	for _, k := range kpis {
		names[k.ID] = k.Name
	}
	name := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = cmp.Or(names[id], id)
		}
		return out
	}
	return targets{Stages: name(pr.StageIDs), Touchpoints: name(pr.TouchpointIDs), KPIs: name(pr.KPIIDs)}
}

// actForField is the "acting for" choice of a form, for a session without
// a person: the council members, the one chosen, and the API's message.
type actForField struct {
	Form    string
	Members []projections.CouncilMember
	Chosen  string
	Error   string
}

// actForFieldOf is the acting-for field of the form called name, or nil
// when the session acts as its own person.
func actForFieldOf(members []projections.CouncilMember, name string, f formState) *actForField {
	if len(members) == 0 {
		return nil
	}
	return &actForField{Form: name, Members: members, Chosen: f.Value(name, "person_id"), Error: f.FieldError(name, "person_id")}
}

// ActForField is the acting-for field of the form called name, or nil.
func (p initiativePage) ActForField(name string) *actForField {
	return actForFieldOf(p.ActFor, name, p.Form)
}

// formsByStatus are the forms an initiative's page shows in each status:
// those the domain's rules may accept then. The API still decides.
var formsByStatus = map[string][]string{
	events.StatusProposed:   {"vote", "decide", "cancel"},
	events.StatusDeferred:   {"reopen", "cancel"},
	events.StatusApproved:   {"owner", "start", "cancel"},
	events.StatusInProgress: {"owner", "progress", "complete", "cancel"},
}

// Can reports whether the page shows the form called name: its status
// allows it, or it was just refused (its problem shows beside it).
func (p initiativePage) Can(name string) bool {
	return slices.Contains(formsByStatus[p.In.Status], name) || p.Form.Failed(name)
}

// Over reports whether the initiative's status allows no form: it is over.
func (p initiativePage) Over() bool { return len(formsByStatus[p.In.Status]) == 0 }

// QuorumMet reports whether the standing votes make a quorum, by the
// domain's rule.
func (p initiativePage) QuorumMet() bool {
	return events.Tally{Voted: p.Voted, Seats: p.Council.Seats}.HasQuorum()
}

func initiativePath(id string) string { return "/initiatives/" + url.PathEscape(id) }

func (w *Web) initiative(c echo.Context) error {
	return w.renderInitiative(c, http.StatusOK, formState{})
}

func (w *Web) renderInitiative(c echo.Context, status int, f formState) error {
	id := c.Param("id")
	p := initiativePage{Form: f, Votes: events.Votes, Outcomes: events.Outcomes}
	if err := w.get(c, "/v1/initiatives/"+url.PathEscape(id), nil, &p.In); err != nil {
		return err
	}
	var h api.History
	if err := w.get(c, "/v1/initiatives/"+url.PathEscape(id)+"/history", nil, &h); err != nil {
		return err
	}
	if n := len(h.Events); n > 0 {
		p.Version = h.Events[n-1].Version
	}
	if err := w.get(c, "/v1/council", nil, &p.Council); err != nil {
		return err
	}
	people, err := listAll[projections.PersonView](w, c, "/v1/people", nil)
	if err != nil {
		return err
	}
	crews, err := listAll[projections.CrewView](w, c, "/v1/crews", nil)
	if err != nil {
		return err
	}
	n := namer{people: map[string]string{}, crews: map[string]string{}}
	for _, person := range people {
		n.people[person.ID] = person.Name
		if person.Roles.Expert != nil && !person.Left {
			p.Experts = append(p.Experts, person)
		}
	}
	for _, crew := range crews {
		n.crews[crew.ID] = crew.Name
		if !crew.Disbanded {
			p.Crews = append(p.Crews, crew)
		}
	}
	p.History = historyLines(h, n)
	journeys, err := listAll[projections.JourneyView](w, c, "/v1/journeys", nil)
	if err != nil {
		return err
	}
	kpis, err := listAll[projections.KPIView](w, c, "/v1/kpis", nil)
	if err != nil {
		return err
	}
	p.Targets = targetsOf(p.In.ProposalView, journeys, kpis)
	me := ""
	if ss := sessionOf(c); ss != nil {
		me = ss.personID
	}
	for i, v := range p.In.Votes {
		if v.PersonID == me {
			p.MyVote = &p.In.Votes[i]
		}
		if slices.ContainsFunc(p.Council.Members, func(m projections.CouncilMember) bool { return m.PersonID == v.PersonID }) {
			p.Voted++
		}
	}
	if p.ActFor, err = w.actFor(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "initiative", title: p.In.Title, nav: "initiatives", live: true}, p)
}
