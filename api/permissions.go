package api

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// Role is what the program's log makes a person (sponsor, council member,
// crew lead...), or what a token's grant makes its holder (admin). Roles
// are read from the projections on every request, so unseating a council
// member takes their vote away at once.
type Role string

// The roles of the program (DOMAIN.md) and of tokens.
const (
	RoleAdmin      Role = "admin"
	RoleSponsor    Role = "sponsor"
	RoleCXManager  Role = "cx_manager"
	RoleCXTeam     Role = "cx_team" // a member of a crew with a CX function: insights, design, change management
	RoleCouncil    Role = "council"
	RoleChair      Role = "chair"
	RoleExpert     Role = "expert"
	RoleAmbassador Role = "ambassador"
	RoleCrewLead   Role = "crew_lead"
	RoleCrewMember Role = "crew_member"
	RolePerson     Role = "person" // anyone in the program with a token of their own
)

// Rule says who may use a route: any of Roles; a service token granted
// "action:<Action>"; and, object by object, the lead of the crew or the
// owner of the initiative named in the path, or the person it names.
type Rule struct {
	Roles   []Role
	Action  string
	LeadOf  string // path parameter of a crew whose lead may act
	OwnerOf string // path parameter of an initiative whose owning expert may act
	Self    string // path parameter of a person who may act on themselves
}

// Actions a service token can be granted.
const (
	ActionRead             = "read"
	ActionLogFeedback      = "log_feedback"
	ActionRecordMeasurment = "record_measurement"
)

var (
	cxTeam  = []Role{RoleAdmin, RoleCXManager, RoleCXTeam}
	council = []Role{RoleAdmin, RoleCouncil}
	admin   = []Role{RoleAdmin}
	// readers: every signed-in role reads; a service token needs action:read.
	readers = Rule{Roles: []Role{RoleAdmin, RolePerson}, Action: ActionRead}
)

// Permissions map every write route to who may use it; a write route not
// listed is denied to everyone, and every read is readers'. The admin holds
// the keys: it seats the council, appoints the sponsor and the CX manager,
// manages tokens, and may act for a member (the log then names both).
var Permissions = map[string]Rule{
	"POST /v1/tokens":        {Roles: admin},
	"DELETE /v1/tokens/{id}": {Roles: admin},

	"POST /v1/people":                {Roles: []Role{RoleAdmin, RoleCXManager}},
	"PATCH /v1/people/{id}":          {Roles: []Role{RoleAdmin, RoleCXManager}, Self: "id"},
	"POST /v1/people/{id}/departure": {Roles: []Role{RoleAdmin, RoleCXManager}},

	"PUT /v1/program/sponsor":                    {Roles: admin},
	"PUT /v1/program/cx-manager":                 {Roles: admin},
	"POST /v1/program/ambassadors":               {Roles: cxTeam},
	"DELETE /v1/program/ambassadors/{person_id}": {Roles: cxTeam},
	"POST /v1/program/experts":                   {Roles: cxTeam},
	"DELETE /v1/program/experts/{person_id}":     {Roles: cxTeam},
	"POST /v1/council/members":                   {Roles: admin},
	"DELETE /v1/council/members/{person_id}":     {Roles: admin},

	"POST /v1/crews":                            {Roles: cxTeam},
	"PATCH /v1/crews/{id}":                      {Roles: cxTeam, LeadOf: "id"},
	"POST /v1/crews/{id}/members":               {Roles: cxTeam, LeadOf: "id"},
	"DELETE /v1/crews/{id}/members/{person_id}": {Roles: cxTeam, LeadOf: "id"},
	"POST /v1/crews/{id}/disbandment":           {Roles: []Role{RoleAdmin, RoleCXManager}},

	"POST /v1/initiatives":                   {Roles: council},
	"POST /v1/initiatives/{id}/votes":        {Roles: council},
	"POST /v1/initiatives/{id}/decision":     {Roles: council},
	"POST /v1/initiatives/{id}/reopening":    {Roles: council},
	"PUT /v1/initiatives/{id}/owner":         {Roles: []Role{RoleAdmin, RoleCouncil, RoleCXManager}},
	"POST /v1/initiatives/{id}/start":        {Roles: []Role{RoleAdmin, RoleCouncil, RoleCXManager}, OwnerOf: "id"},
	"POST /v1/initiatives/{id}/progress":     {Roles: []Role{RoleAdmin, RoleCXManager}, OwnerOf: "id"},
	"POST /v1/initiatives/{id}/completion":   {Roles: []Role{RoleAdmin, RoleCouncil, RoleCXManager}, OwnerOf: "id"},
	"POST /v1/initiatives/{id}/cancellation": {Roles: council},

	"POST /v1/journeys":                            {Roles: cxTeam},
	"POST /v1/journeys/{id}/stages":                {Roles: cxTeam},
	"PATCH /v1/journeys/{id}/stages/{stage_id}":    {Roles: cxTeam},
	"POST /v1/journeys/{id}/touchpoints":           {Roles: cxTeam},
	"PATCH /v1/journeys/{id}/touchpoints/{tp_id}":  {Roles: cxTeam},
	"DELETE /v1/journeys/{id}/touchpoints/{tp_id}": {Roles: cxTeam},

	"POST /v1/feedback":                        {Roles: append(slices.Clone(cxTeam), RoleAmbassador), Action: ActionLogFeedback},
	"POST /v1/feedback/import":                 {Roles: append(slices.Clone(cxTeam), RoleAmbassador), Action: ActionLogFeedback},
	"POST /v1/feedback/{id}/follow-up":         {Roles: append(slices.Clone(cxTeam), RoleAmbassador, RoleExpert)},
	"POST /v1/feedback/{id}/follow-up/closure": {Roles: append(slices.Clone(cxTeam), RoleAmbassador, RoleExpert)},

	"POST /v1/kpis":                   {Roles: cxTeam},
	"PATCH /v1/kpis/{id}":             {Roles: cxTeam},
	"POST /v1/kpis/{id}/measurements": {Roles: cxTeam, Action: ActionRecordMeasurment},

	"POST /v1/action-plans":                                     {Roles: append(slices.Clone(cxTeam), RoleExpert)},
	"POST /v1/action-plans/{id}/sharing":                        {Roles: append(slices.Clone(cxTeam), RoleExpert)},
	"POST /v1/action-plans/{id}/actions/{action_id}/completion": {Roles: append(slices.Clone(cxTeam), RoleExpert)},
	"POST /v1/action-plans/{id}/closure":                        {Roles: append(slices.Clone(cxTeam), RoleExpert)},
}

// RuleFor is the rule of a route: its entry, readers for a read, and a rule
// nobody meets for a write that has none.
func RuleFor(method, path string) (Rule, bool) {
	if r, ok := Permissions[method+" "+path]; ok {
		return r, true
	}
	if method == http.MethodGet {
		return readers, true
	}
	return Rule{}, false
}

// RolesOf are the caller's roles as the projections show them now.
func (s *Server) RolesOf(c Caller) map[Role]bool {
	roles := map[Role]bool{}
	if c.Admin() {
		roles[RoleAdmin] = true
	}
	if c.PersonID == "" {
		return roles
	}
	p, ok := s.Views.People.Get(c.PersonID)
	if !ok || p.Left {
		return roles
	}
	roles[RolePerson] = true
	r := p.Roles
	roles[RoleSponsor], roles[RoleCXManager] = r.Sponsor, r.CXManager
	roles[RoleCouncil] = r.Council != nil
	roles[RoleChair] = r.Council != nil && r.Council.Chair
	roles[RoleExpert], roles[RoleAmbassador] = r.Expert != nil, r.Ambassador != nil
	for _, cr := range r.Crews {
		roles[RoleCrewMember] = true
		if cr.Role == events.RoleLead {
			roles[RoleCrewLead] = true
		}
		if crew, ok := s.Views.Crews.Get(cr.CrewID); ok && crew.Function != "" && !crew.Disbanded {
			roles[RoleCXTeam] = true
		}
	}
	if r.CXManager {
		roles[RoleCXTeam] = true
	}
	return roles
}

// allows reports whether the rule lets the caller use the route on the
// objects its path names.
func (s *Server) allows(rule Rule, c echo.Context, caller Caller) bool {
	roles := s.RolesOf(caller)
	for _, r := range rule.Roles {
		if roles[r] {
			return true
		}
	}
	if rule.Action != "" && slices.Contains(caller.Grants, events.GrantActionPrefix+rule.Action) {
		return true
	}
	if caller.PersonID == "" || !roles[RolePerson] {
		return false
	}
	if rule.Self != "" && c.Param(rule.Self) == caller.PersonID {
		return true
	}
	if rule.LeadOf != "" {
		if crew, ok := s.Views.Crews.Get(c.Param(rule.LeadOf)); ok {
			for _, m := range crew.Members {
				if m.PersonID == caller.PersonID && m.Role == events.RoleLead {
					return true
				}
			}
		}
	}
	if rule.OwnerOf != "" && roles[RoleExpert] {
		if in, ok := s.Views.Initiatives.Get(c.Param(rule.OwnerOf)); ok && in.Owner != nil && in.Owner.PersonID == caller.PersonID {
			return true
		}
	}
	return false
}

// authorize answers 403 unless the route's rule lets the caller in.
func (s *Server) authorize(r Route) echo.MiddlewareFunc {
	rule, listed := RuleFor(r.Method, r.Path)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			caller := callerOf(c)
			if !listed || !s.allows(rule, c, caller) {
				return &Problem{Status: http.StatusForbidden, Title: "Forbidden",
					Detail: "your roles (" + rolesText(s.RolesOf(caller)) + ") do not allow " + r.Method + " " + r.Path}
			}
			return next(c)
		}
	}
}

func rolesText(roles map[Role]bool) string {
	var names []string
	for r, ok := range roles {
		if ok {
			names = append(names, string(r))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
