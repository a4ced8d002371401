package api_test

import (
	"net/http"
	"testing"
	"time"

	"cxtracker/projections"
)

// program is a council of five with a chair, a CX team, an expert and two
// crews, set up through the API.
type program struct {
	ana, bruno, carla, diego, elena, fabio, hana string
	tokens                                       map[string]string
	seams, onboarding                            string
}

func setUpProgram(a *testAPI) program {
	a.t.Helper()
	p := program{
		ana: register(a, "Ana Costa", "ana@example.com", "Board"), bruno: register(a, "Bruno Neri", "bruno@example.com", "CX"),
		carla: register(a, "Carla Rossi", "carla@example.com", "Sales"), diego: register(a, "Diego Lima", "diego@example.com", "Operations"),
		elena: register(a, "Elena Kowalska", "elena@example.com", "IT"), fabio: register(a, "Fabio Greco", "fabio@example.com", "HR"),
		hana: register(a, "Hana Nowak", "hana@example.com", "Retail"), tokens: map[string]string{},
	}
	a.Must(http.StatusOK, http.MethodPut, "/v1/program/sponsor", map[string]any{"person_id": p.ana})
	a.Must(http.StatusOK, http.MethodPut, "/v1/program/cx-manager", map[string]any{"person_id": p.bruno})
	a.Must(http.StatusOK, http.MethodPost, "/v1/program/experts", map[string]any{"person_id": p.hana, "unit": "Retail banking"})
	a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": p.ana, "chair": true})
	for _, id := range []string{p.carla, p.diego, p.elena, p.fabio} {
		a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": id, "chair": false})
		p.tokens[id] = personToken(a, id)
	}
	p.seams = formCrew(a, "Seams", "experience", "keep the journey whole across products")
	p.onboarding = formCrew(a, "Onboarding", "value_stream", "open accounts in a day")
	a.Must(http.StatusOK, http.MethodPost, "/v1/crews/"+p.seams+"/members", map[string]any{"person_id": p.bruno, "role": "lead"})
	return p
}

func formCrew(a *testAPI, name, typ, purpose string) string {
	a.t.Helper()
	var c projections.CrewView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/crews", map[string]any{"name": name, "type": typ, "purpose": purpose}).JSON(a.t, &c)
	return c.ID
}

// as sends a request with a person's token that must answer want.
func (p program) as(a *testAPI, person string, want int, method, path string, body any) projections.InitiativeView {
	a.t.Helper()
	r := a.DoAs(p.tokens[person], method, path, body)
	if r.Status != want {
		a.t.Fatalf("%s %s as %s answered %d, want %d: %s", method, path, person, r.Status, want, r.Body)
	}
	var v projections.InitiativeView
	if want < 300 {
		r.JSON(a.t, &v)
	}
	return v
}

func TestInitiativeLifeFromProposalToCompletionAndCancellation(t *testing.T) {
	a := startAPI(t)
	p := setUpProgram(a)
	// The chair passes to Carla: an already seated member posted as chair.
	var council projections.CouncilView
	a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": p.carla, "chair": true}).JSON(t, &council)
	if council.Chair == nil || council.Chair.PersonID != p.carla || council.Seats != 5 || council.Quorum != 3 {
		t.Fatalf("after the chair changed: %+v", council)
	}
	p.tokens[p.ana] = personToken(a, p.ana)

	// A quorum decides the first initiative; Diego changes his vote first.
	one := p.as(a, p.carla, http.StatusCreated, http.MethodPost, "/v1/initiatives",
		map[string]any{"title": "Call back within a day", "problem": "Customers wait three days for a call back"})
	if one.Status != "proposed" || one.Proposer.PersonID != p.carla || one.Proposer.Name != "Carla Rossi" {
		t.Fatalf("proposed %+v", one)
	}
	path := "/v1/initiatives/" + one.ID
	p.as(a, p.carla, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "reject", "comment": "too costly"})
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve", "comment": "the pilot convinced me"})
	v := p.as(a, p.elena, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "abstain"})
	if len(v.Votes) != 3 || v.Votes[1].Vote != "approve" || len(v.Votes[1].Earlier) != 1 || v.Votes[1].Earlier[0].Comment != "too costly" {
		t.Fatalf("votes %+v", v.Votes)
	}
	v = p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved", "rationale": "quick win"})
	if d := v.Decision; v.Status != "approved" || d == nil || !d.Quorum || d.ChairDecision || d.Tally != (projections.TallyView{Approve: 2, Abstain: 1, Voted: 3, Seats: 5}) || d.DecidedBy.PersonID != p.diego {
		t.Fatalf("decided %+v %+v", v, v.Decision)
	}
	p.as(a, p.fabio, http.StatusConflict, http.MethodPost, path+"/votes", map[string]any{"vote": "reject"})
	a.Must(http.StatusOK, http.MethodPut, path+"/owner", map[string]any{"person_id": p.hana, "crew_id": p.seams})
	a.Must(http.StatusOK, http.MethodPost, path+"/start", nil)
	a.Must(http.StatusOK, http.MethodPost, path+"/progress", map[string]any{"note": "pilot in two branches", "percent_complete": 40})
	v = decode[projections.InitiativeView](t, a.Must(http.StatusOK, http.MethodPost, path+"/completion", map[string]any{"outcome": "call backs within 20 hours"}))
	if v.Status != "completed" || v.Owner == nil || v.Owner.PersonName != "Hana Nowak" || v.Owner.CrewName != "Seams" ||
		len(v.Progress) != 1 || *v.PercentComplete != 40 || v.Completion == nil || v.StartedAt == nil {
		t.Fatalf("completed %+v", v)
	}

	// The chair decides the second without a quorum, with a rationale; an
	// administrator proposes it for Ana.
	v = decode[projections.InitiativeView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/initiatives", map[string]any{"title": "Plain-language letters",
		"problem": "Letters confuse customers", "person_id": p.ana}))
	if v.Proposer.PersonID != p.ana {
		t.Fatalf("proposed for Ana: %+v", v.Proposer)
	}
	path = "/v1/initiatives/" + v.ID
	p.as(a, p.elena, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	p.as(a, p.diego, http.StatusConflict, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved", "rationale": "x"})
	p.as(a, p.carla, http.StatusUnprocessableEntity, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved"})
	v = p.as(a, p.carla, http.StatusOK, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved", "rationale": "regulator deadline"})
	if !v.Decision.ChairDecision || v.Decision.Quorum || v.Decision.Rationale != "regulator deadline" {
		t.Fatalf("chair decision %+v", v.Decision)
	}
	a.Must(http.StatusOK, http.MethodPut, path+"/owner", map[string]any{"crew_id": p.onboarding})
	a.Must(http.StatusOK, http.MethodPost, path+"/cancellation", map[string]any{"reason": "the regulator withdrew the rule"})

	// The board filters by status and owner.
	type board struct {
		Items []projections.InitiativeCard `json:"items"`
	}
	b := decode[board](t, a.Must(http.StatusOK, http.MethodGet, "/v1/initiatives?status=completed&owner="+p.hana, nil))
	if len(b.Items) != 1 || b.Items[0].ID != one.ID || b.Items[0].Votes != 3 {
		t.Fatalf("completed board %+v", b.Items)
	}
	b = decode[board](t, a.Must(http.StatusOK, http.MethodGet, "/v1/initiatives?owner="+p.onboarding, nil))
	if len(b.Items) != 1 || b.Items[0].Status != "cancelled" {
		t.Fatalf("onboarding's board %+v", b.Items)
	}
	checkDecisionLog(t, a, p, one.ID, v.ID)
}

// checkDecisionLog reads back the two decisions of the scenario.
func checkDecisionLog(t *testing.T, a *testAPI, p program, first, second string) {
	type page struct {
		Items []projections.DecisionView `json:"items"`
	}
	log := decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions?outcome=approved", nil))
	if len(log.Items) != 2 || log.Items[0].InitiativeID != first || log.Items[1].InitiativeID != second {
		t.Fatalf("decision log %+v", log.Items)
	}
	d := log.Items[0]
	if d.Proposal.Title != "Call back within a day" || d.Proposal.Proposer.PersonID != p.carla || len(d.Votes) != 3 ||
		d.Votes[1].PersonID != p.diego || len(d.Votes[1].Earlier) != 1 || d.Votes[1].Earlier[0].Vote != "reject" ||
		d.Decision.Rationale != "quick win" || d.Afterwards.Status != "completed" || d.Afterwards.Completion.Outcome != "call backs within 20 hours" {
		t.Fatalf("first decision %+v", d)
	}
	if d := log.Items[1]; !d.Decision.ChairDecision || d.Afterwards.Status != "cancelled" || d.Afterwards.Cancellation.Reason != "the regulator withdrew the rule" ||
		d.Afterwards.Owner.CrewID != p.onboarding {
		t.Fatalf("second decision %+v", d)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, q := range []string{"outcome=rejected", "from=" + future, "to=2020-01-01T00:00:00Z"} {
		log = decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions?"+q, nil))
		if len(log.Items) != 0 {
			t.Fatalf("%s found %d decisions", q, len(log.Items))
		}
	}
	log = decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions?limit=1", nil))
	if len(log.Items) != 1 || log.Items[0].InitiativeID != first {
		t.Fatalf("first page of the log %+v", log.Items)
	}
}

func TestInitiativeErrors(t *testing.T) {
	a := startAPI(t)
	p := setUpProgram(a)
	in := p.as(a, p.diego, http.StatusCreated, http.MethodPost, "/v1/initiatives", map[string]any{"title": "Fewer forms", "problem": "Too many forms"})
	path, unknown := "/v1/initiatives/"+in.ID, "/v1/initiatives/01J00000000000000000000000"
	hanaToken := personToken(a, p.hana)
	service := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "crm", "grants": []string{"action:log_feedback"}}).Map(t)["token"].(string)
	checkProblems(t, a, []problemCase{
		{"unknown field", p.tokens[p.diego], http.MethodPost, "/v1/initiatives", `{"title":"x","problem":"y","owner":"z"}`, nil, http.StatusBadRequest, "owner"},
		{"unknown vote field", p.tokens[p.diego], http.MethodPost, path + "/votes", `{"ballot":"approve"}`, nil, http.StatusBadRequest, "ballot"},
		{"not a member", hanaToken, http.MethodPost, "/v1/initiatives", map[string]any{"title": "x", "problem": "y"}, nil, http.StatusForbidden, ""},
		{"naming someone else", p.tokens[p.diego], http.MethodPost, path + "/votes", map[string]any{"vote": "approve", "person_id": p.elena}, nil, http.StatusForbidden, ""},
		{"service naming someone", service, http.MethodPost, path + "/votes", map[string]any{"vote": "approve", "person_id": p.diego}, nil, http.StatusForbidden, ""},
		{"admin naming nobody", a.Admin, http.MethodPost, path + "/votes", map[string]any{"vote": "approve"}, nil, http.StatusUnprocessableEntity, "person_id"},
		{"invalid vote", p.tokens[p.diego], http.MethodPost, path + "/votes", map[string]any{"vote": "maybe"}, nil, http.StatusUnprocessableEntity, "vote"},
		{"unknown initiative", p.tokens[p.diego], http.MethodPost, unknown + "/votes", map[string]any{"vote": "approve"}, nil, http.StatusNotFound, ""},
		{"unknown initiative read", a.Admin, http.MethodGet, unknown, nil, nil, http.StatusNotFound, ""},
		{"unknown target", p.tokens[p.diego], http.MethodPost, "/v1/initiatives", map[string]any{"title": "x", "problem": "y", "kpi_ids": []string{"01J00000000000000000000000"}}, nil, http.StatusNotFound, ""},
		{"start before approval", a.Admin, http.MethodPost, path + "/start", nil, nil, http.StatusConflict, ""},
		{"owner before approval", a.Admin, http.MethodPut, path + "/owner", map[string]any{"crew_id": p.seams}, nil, http.StatusConflict, ""},
		{"no owner named", a.Admin, http.MethodPut, path + "/owner", map[string]any{}, nil, http.StatusUnprocessableEntity, "person_id"},
		{"progress off the scale", a.Admin, http.MethodPost, path + "/progress", map[string]any{"note": "x", "percent_complete": 150}, nil, http.StatusUnprocessableEntity, "percent_complete"},
		{"cancel without reason", a.Admin, http.MethodPost, path + "/cancellation", map[string]any{"reason": ""}, nil, http.StatusUnprocessableEntity, "reason"},
		{"stale If-Match", p.tokens[p.diego], http.MethodPost, path + "/votes", map[string]any{"vote": "approve"}, []string{"If-Match", `"4"`}, http.StatusPreconditionFailed, ""},
		{"bad status filter", a.Admin, http.MethodGet, "/v1/initiatives?status=done", nil, nil, http.StatusUnprocessableEntity, "status"},
	})
	// Nothing above was written: the initiative is as proposed.
	if v := decode[projections.InitiativeView](t, a.Must(http.StatusOK, http.MethodGet, path, nil)); len(v.Votes) != 0 || v.Status != "proposed" {
		t.Fatalf("a rejected request left %+v", v)
	}
}

// TestReopenADeferredInitiative defers an initiative, reopens it, votes
// afresh and decides again: the first round's votes and deferral stay in
// the initiative's earlier rounds and in the decision log.
func TestReopenADeferredInitiative(t *testing.T) {
	a := startAPI(t)
	p := setUpProgram(a)
	in := p.as(a, p.diego, http.StatusCreated, http.MethodPost, "/v1/initiatives", map[string]any{"title": "Video banking", "problem": "Branches close at five"})
	path := "/v1/initiatives/" + in.ID
	cxManager := personToken(a, p.bruno)
	reopen := map[string]any{"rationale": "the budget came through"}

	// Only a deferred initiative is reopened: not a proposed one.
	p.as(a, p.diego, http.StatusConflict, http.MethodPost, path+"/reopening", reopen)
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	p.as(a, p.elena, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "reject", "comment": "no budget"})
	p.as(a, p.fabio, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "abstain"})
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/decision", map[string]any{"outcome": "deferred", "rationale": "wait for the budget"})

	checkProblems(t, a, []problemCase{
		{"reopen without a rationale", p.tokens[p.diego], http.MethodPost, path + "/reopening", map[string]any{"rationale": ""}, nil, http.StatusUnprocessableEntity, "rationale"},
		{"reopen as the CX manager", cxManager, http.MethodPost, path + "/reopening", reopen, nil, http.StatusForbidden, ""},
	})

	v := p.as(a, p.carla, http.StatusOK, http.MethodPost, path+"/reopening", reopen)
	if v.Status != "proposed" || len(v.Votes) != 0 || v.Decision != nil || len(v.EarlierRounds) != 1 {
		t.Fatalf("reopened %+v", v)
	}
	r := v.EarlierRounds[0]
	if len(r.Votes) != 3 || r.Votes[1].PersonID != p.elena || r.Votes[1].Comment != "no budget" || r.Decision == nil ||
		r.Decision.Outcome != "deferred" || r.Reopening.ReopenedBy.PersonID != p.carla || r.Reopening.Rationale != "the budget came through" {
		t.Fatalf("earlier round %+v", r)
	}

	// Votes are cast afresh, and the new decision counts them alone.
	p.as(a, p.elena, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	p.as(a, p.diego, http.StatusConflict, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved"})
	p.as(a, p.fabio, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	v = p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved"})
	if v.Status != "approved" || v.Decision.Tally != (projections.TallyView{Approve: 3, Voted: 3, Seats: 5}) || len(v.EarlierRounds) != 1 {
		t.Fatalf("decided again %+v", v)
	}
	p.as(a, p.carla, http.StatusConflict, http.MethodPost, path+"/reopening", reopen)

	// The decision log keeps both decisions, the deferral with the votes
	// it was taken on and its reopening.
	type page struct {
		Items []projections.DecisionView `json:"items"`
	}
	log := decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions", nil))
	if len(log.Items) != 2 {
		t.Fatalf("decision log %+v", log.Items)
	}
	first, second := log.Items[0], log.Items[1]
	if first.Decision.Outcome != "deferred" || len(first.Votes) != 3 || first.Reopening == nil || first.Reopening.Rationale != "the budget came through" ||
		first.Afterwards.Status != "approved" {
		t.Fatalf("the deferral in the log %+v", first)
	}
	if second.Decision.Outcome != "approved" || len(second.Votes) != 3 || second.Votes[0].PersonID != p.elena || second.Reopening != nil {
		t.Fatalf("the approval in the log %+v", second)
	}
}
