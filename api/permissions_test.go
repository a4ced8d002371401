package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// roleWorld is a program with one caller of each role and the objects the
// routes' paths name.
type roleWorld struct {
	tokens  map[string]string     // caller -> token
	roles   map[string][]api.Role // caller -> the roles the setup gave them, written by hand
	grants  map[string][]string   // caller -> service grants
	people  map[string]string     // caller -> person id
	objects map[string]string     // path parameter context -> id
}

func setUpRoles(t *testing.T, a *testAPI) *roleWorld {
	t.Helper()
	ctx := context.Background()
	do := func(cmds ...events.Command) {
		t.Helper()
		for _, c := range cmds {
			if _, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "setup"}); err != nil {
				t.Fatalf("%T: %v", c, err)
			}
		}
	}
	w := &roleWorld{tokens: map[string]string{"admin": a.Admin}, roles: map[string][]api.Role{"admin": {api.RoleAdmin}},
		grants: map[string][]string{}, people: map[string]string{}, objects: map[string]string{}}
	people := []string{"sponsor", "cx_manager", "cx_team", "council", "chair", "expert", "ambassador", "crew_lead", "crew_member", "person"}
	for _, name := range people {
		id := events.NewID()
		w.people[name] = id
		do(events.RegisterPerson{PersonID: id, Name: name, Email: name + "@example.com", Department: "Dept " + name})
	}
	p := w.people
	insights, squad, jny, stage, tp, kpi, plan, action, fb, ini := events.NewID(), events.NewID(), events.NewID(), events.NewID(),
		events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	account := events.NewID()
	do(
		events.AppointSponsor{PersonID: p["sponsor"]},
		events.AppointCXManager{PersonID: p["cx_manager"]},
		events.FormCrew{CrewID: insights, Name: "Insights", Type: events.CrewCapability, Purpose: "voice of the customer", Function: events.FunctionInsights},
		events.JoinCrew{CrewID: insights, PersonID: p["cx_team"], Role: events.RoleMember},
		events.SeatMember{PersonID: p["chair"], Department: "Ops", Chair: true},
		events.SeatMember{PersonID: p["council"], Department: "Sales"},
		events.NameExpert{PersonID: p["expert"], Unit: "Retail"},
		events.AssignAmbassador{PersonID: p["ambassador"], Department: "Claims"},
		events.FormCrew{CrewID: squad, Name: "Squad", Type: events.CrewValueStream, Purpose: "onboarding"},
		events.JoinCrew{CrewID: squad, PersonID: p["crew_lead"], Role: events.RoleLead},
		events.JoinCrew{CrewID: squad, PersonID: p["crew_member"], Role: events.RoleMember},
		events.MapJourney{JourneyID: jny, Name: "Retail"},
		events.AddStage{JourneyID: jny, StageID: stage, Name: "Acquisition", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: stage, Name: "Web", Channel: "web", OwnerCrewID: squad},
		events.LogFeedback{FeedbackID: fb, TouchpointID: tp, Metric: events.MetricNPS, Score: 3, Source: events.SourceSurvey},
		events.DefineKPI{KPIID: kpi, Name: "NPS", Metric: events.MetricNPS, Unit: "points", Target: 30, Direction: events.HigherIsBetter},
		events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Q3", Actions: []events.PlannedAction{{ActionID: action, Description: "call"}}},
		events.ProposeInitiative{InitiativeID: ini, Title: "Fewer forms", Problem: "forms", ProposedBy: p["council"]},
		events.DecideInitiative{InitiativeID: ini, DecidedBy: p["chair"], Outcome: events.OutcomeApproved, Rationale: "obvious"},
		events.AssignOwner{InitiativeID: ini, PersonID: p["expert"]},
		events.OpenAccount{AccountID: account, Name: "ACME", Segment: "SMB", OwnerID: p["cx_team"]},
	)
	for _, name := range people {
		w.tokens[name] = a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": p[name]}).Map(t)["token"].(string)
		w.roles[name] = []api.Role{api.RolePerson}
	}
	add := func(name string, roles ...api.Role) { w.roles[name] = append(w.roles[name], roles...) }
	add("sponsor", api.RoleSponsor)
	add("cx_manager", api.RoleCXManager, api.RoleCXTeam)
	add("cx_team", api.RoleCXTeam, api.RoleCrewMember)
	add("council", api.RoleCouncil)
	add("chair", api.RoleCouncil, api.RoleChair)
	add("expert", api.RoleExpert)
	add("ambassador", api.RoleAmbassador)
	add("crew_lead", api.RoleCrewLead, api.RoleCrewMember)
	add("crew_member", api.RoleCrewMember)
	for name, grant := range map[string]string{"survey_tool": "action:log_feedback", "bi_pipeline": "action:read"} {
		w.tokens[name] = a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": name, "grants": []string{grant}}).Map(t)["token"].(string)
		w.grants[name] = []string{grant}
	}
	w.objects = map[string]string{"crews": squad, "initiatives": ini, "journeys": jny, "kpis": kpi, "action-plans": plan, "accounts": account,
		"feedback": fb, "tokens": "01J00000000000000000000000", "follow-up-rules": "01J00000000000000000000000", "stage_id": stage, "tp_id": tp, "action_id": action, "person_id": p["person"]}
	w.objects["webhooks"] = "01J00000000000000000000001"
	return w
}

// fill puts the world's objects into a route's path; a person route names
// the caller, so that acting on oneself is exercised.
func (w *roleWorld) fill(path, caller string) string {
	parts := strings.Split(path, "/")
	for i, part := range parts {
		switch {
		case part == "{id}" && parts[i-1] == "people":
			if id := w.people[caller]; id != "" {
				parts[i] = id
			} else {
				parts[i] = w.people["person"]
			}
		case part == "{id}":
			parts[i] = w.objects[parts[i-1]]
		case strings.HasPrefix(part, "{"):
			parts[i] = w.objects[strings.Trim(part, "{}")]
		}
	}
	return strings.Join(parts, "/")
}

// expected is what the route's rule promises the caller, reckoned from the
// roles the setup gave by hand, not from the server.
func (w *roleWorld) expected(rule api.Rule, caller string) bool {
	for _, r := range w.roles[caller] {
		if slices.Contains(rule.Roles, r) {
			return true
		}
	}
	if rule.Action != "" && slices.Contains(w.grants[caller], "action:"+rule.Action) {
		return true
	}
	return rule.Self != "" && w.people[caller] != "" ||
		rule.LeadOf != "" && caller == "crew_lead" ||
		rule.OwnerOf != "" && caller == "expert"
}

func TestEveryRouteForEveryRole(t *testing.T) {
	a := startAPI(t)
	w := setUpRoles(t, a)
	callers := make([]string, 0, len(w.tokens))
	for c := range w.tokens {
		callers = append(callers, c)
	}
	slices.Sort(callers)
	for _, r := range a.Server.Routes() {
		if r.Public {
			continue
		}
		rule, listed := r.Rule()
		if !listed {
			t.Errorf("%s %s names no rule (Route.Allow): everyone is denied it", r.Method, r.Path)
			continue
		}
		if r.Produces == "text/event-stream" {
			continue // a stream answers once it ends; its authorization is the same middleware
		}
		// A probe that authorization lets through is stopped right after: an
		// unknown field fails the body, a stale If-Match the write.
		probe := []string{"If-Match", `"999999"`}
		var body any
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			body = `{"probe_field":1}`
		}
		if got := a.DoAs("", r.Method, w.fill(r.Path, ""), body, probe...).Status; got != http.StatusUnauthorized {
			t.Errorf("%s %s without a token answered %d, want 401", r.Method, r.Path, got)
		}
		for _, caller := range callers {
			got := a.DoAs(w.tokens[caller], r.Method, w.fill(r.Path, caller), body, probe...).Status
			want := w.expected(rule, caller)
			switch {
			case want && (got == http.StatusForbidden || got == http.StatusUnauthorized):
				t.Errorf("%s %s: %s is allowed but answered %d", r.Method, r.Path, caller, got)
			case !want && got != http.StatusForbidden:
				t.Errorf("%s %s: %s is not allowed but answered %d", r.Method, r.Path, caller, got)
			case got >= 200 && got < 300 && r.Method != http.MethodGet:
				t.Errorf("%s %s: the probe of %s was written (%d)", r.Method, r.Path, caller, got)
			}
		}
	}
}

// TestPolicyInTheBusinessesWords states the key rules of issue 5 directly,
// apart from the routes, so that a wrong rule on a route fails too.
func TestPolicyInTheBusinessesWords(t *testing.T) {
	// The routes' rules are read from a server that is built but never
	// started: no handler runs.
	rules := map[string]api.Rule{}
	for _, r := range api.New(api.Deps{Views: projections.NewViews()}).Routes() {
		if rule, ok := r.Rule(); ok {
			rules[r.Method+" "+r.Path] = rule
		}
	}
	for _, tc := range []struct {
		route string
		who   []api.Role
		yes   bool
	}{
		{"POST /v1/initiatives/{id}/decision", []api.Role{api.RoleCouncil}, true},
		{"POST /v1/initiatives/{id}/decision", []api.Role{api.RoleCXManager, api.RoleCXTeam, api.RoleSponsor, api.RoleExpert}, false},
		{"POST /v1/initiatives/{id}/votes", []api.Role{api.RoleCXManager, api.RoleExpert, api.RoleAmbassador}, false},
		{"POST /v1/council/members", []api.Role{api.RoleCXManager, api.RoleCouncil, api.RoleChair, api.RoleSponsor}, false},
		{"PUT /v1/program/sponsor", []api.Role{api.RoleCXManager, api.RoleSponsor}, false},
		{"POST /v1/tokens", []api.Role{api.RoleCXManager, api.RoleChair}, false},
		{"POST /v1/journeys/{id}/touchpoints", []api.Role{api.RoleCXManager, api.RoleCXTeam}, true},
		{"POST /v1/kpis", []api.Role{api.RoleCouncil, api.RoleAmbassador}, false},
		{"POST /v1/program/ambassadors", []api.Role{api.RoleCXManager}, true},
		{"POST /v1/feedback", []api.Role{api.RoleAmbassador}, true},
		{"POST /v1/feedback", []api.Role{api.RoleCouncil, api.RoleExpert, api.RoleCrewMember}, false},
		{"POST /v1/initiatives/{id}/progress", []api.Role{api.RoleExpert, api.RoleCouncil}, false}, // only the owning expert, object by object
	} {
		rule, ok := rules[tc.route]
		if !ok {
			t.Errorf("%s: no such route, or no rule", tc.route)
		}
		for _, r := range tc.who {
			if slices.Contains(rule.Roles, r) != tc.yes {
				t.Errorf("%s: %s allowed %v, the policy says %v", tc.route, r, !tc.yes, tc.yes)
			}
		}
	}
	progress, members := rules["POST /v1/initiatives/{id}/progress"], rules["POST /v1/crews/{id}/members"]
	if progress.OwnerOf == "" || members.LeadOf == "" {
		t.Error("an owning expert must report progress, and a crew lead manage their own crew's members")
	}
}

func TestUnseatingAMemberTakesTheirVoteAwayAtOnce(t *testing.T) {
	a := startAPI(t)
	w := setUpRoles(t, a)
	path := "/v1/initiatives/" + w.objects["initiatives"]
	if r := a.DoAs(w.tokens["council"], http.MethodGet, path, nil); r.Status != http.StatusOK {
		t.Fatalf("read %d", r.Status)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/council/members/"+w.people["council"], nil)
	if r := a.DoAs(w.tokens["council"], http.MethodPost, "/v1/initiatives", map[string]any{"title": "x", "problem": "y"}); r.Status != http.StatusForbidden {
		t.Fatalf("an unseated member proposed: %d %s", r.Status, r.Body)
	}
}
