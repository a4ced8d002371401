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
	// CSRF is the session's form token, for the forms drawn from Go values
	// (TextForm).
	CSRF string
}

// textForm is a compact form of the page with one text field: its words,
// where it posts, and the page's state it carries.
type textForm struct {
	Name, Field, Summary, Label, Button string
	Secondary                           bool
	Action, CSRF                        string
	Version                             uint64
	ActFor                              *actForField
	Form                                formState
}

// textForms are the page's compact forms by name, in the order the page
// shows them; each field is the first of its action's.
var textForms = []textForm{
	{Name: "complete", Summary: "Complete the work", Label: "What came of it", Button: "Complete"},
	{Name: "reopen", Summary: "Reopen for a new round of votes", Label: "Why now", Button: "Reopen"},
	{Name: "cancel", Summary: "Cancel the initiative", Label: "Why it is dropped", Button: "Cancel the initiative", Secondary: true},
}

// TextForms are the names of the compact forms, in order.
func (p initiativePage) TextForms() []string {
	out := make([]string, len(textForms))
	for i, f := range textForms {
		out[i] = f.Name
	}
	return out
}

// TextForm is the compact form called name, ready to draw.
func (p initiativePage) TextForm(name string) textForm {
	i := slices.IndexFunc(textForms, func(f textForm) bool { return f.Name == name })
	f := textForms[i]
	act := initiativeActions[name]
	f.Field, f.Action, f.CSRF, f.Version, f.Form = act.fields[0], initiativePath(p.In.ID)+"/"+name, p.CSRF, p.Version, p.Form
	if slices.Contains(act.fields, "person_id") {
		f.ActFor = p.ActForField(name)
	}
	return f
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
	me := ""
	if ss := sessionOf(c); ss != nil {
		p.CSRF, me = ss.csrf, ss.personID
	}
	// The history is read first: its last version is then never newer
	// than the initiative shown, so a form sent from the page can only be
	// refused as stale, never accepted against a state it did not show.
	var h api.History
	if err := w.get(c, "/v1/initiatives/"+url.PathEscape(id)+"/history", nil, &h); err != nil {
		return err
	}
	if n := len(h.Events); n > 0 {
		p.Version = h.Events[n-1].Version
	}
	if err := w.get(c, "/v1/initiatives/"+url.PathEscape(id), nil, &p.In); err != nil {
		return err
	}
	if err := w.get(c, "/v1/council", nil, &p.Council); err != nil {
		return err
	}
	for i, v := range p.In.Votes {
		if v.PersonID == me {
			p.MyVote = &p.In.Votes[i]
		}
		if slices.ContainsFunc(p.Council.Members, func(m projections.CouncilMember) bool { return m.PersonID == v.PersonID }) {
			p.Voted++
		}
	}
	n, err := w.peopleAndCrews(c, &p)
	if err != nil {
		return err
	}
	p.History = historyLines(h, n)
	journeys, kpis, err := w.targetChoices(c)
	if err != nil {
		return err
	}
	p.Targets = targetsOf(p.In.ProposalView, journeys, kpis)
	if p.ActFor, err = w.actFor(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "initiative", title: p.In.Title, nav: "initiatives", live: true}, p)
}

// peopleAndCrews reads the program's people and crews: their names for
// the history, and the experts and crews the owner form offers.
func (w *Web) peopleAndCrews(c echo.Context, p *initiativePage) (namer, error) {
	n := namer{people: map[string]string{}, crews: map[string]string{}}
	people, err := listAll[projections.PersonView](w, c, "/v1/people", nil)
	if err != nil {
		return n, err
	}
	crews, err := listAll[projections.CrewView](w, c, "/v1/crews", nil)
	if err != nil {
		return n, err
	}
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
	return n, nil
}

// targetChoices are what an initiative can target: the journeys with
// their stages and touchpoints, and the KPIs.
func (w *Web) targetChoices(c echo.Context) ([]projections.JourneyView, []projections.KPIView, error) {
	journeys, err := listAll[projections.JourneyView](w, c, "/v1/journeys", nil)
	if err != nil {
		return nil, nil, err
	}
	kpis, err := listAll[projections.KPIView](w, c, "/v1/kpis", nil)
	return journeys, kpis, err
}
