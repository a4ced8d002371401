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

// The roles people hold in the program, and the admin's, which only a
// token's grant gives.
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
	ActionRead              = "read"
	ActionLogFeedback       = "log_feedback"
	ActionRecordMeasurement = "record_measurement"
	// ActionBackdate lets a token date a write more than BackdateLimit in
	// the past (occurred_at.go); the admin may too.
	ActionBackdate = "backdate"
)

// mayBackdate reports whether the caller may date a write more than
// BackdateLimit in the past: the admin, or a token granted action:backdate.
func mayBackdate(c Caller) bool {
	return c.Admin() || slices.Contains(c.Grants, events.GrantActionPrefix+ActionBackdate)
}

// Who may call which route is a Route's Allow (route.go): each write route
// names its rule where it is declared; a read that names none is readers'.
// The admin holds the keys: it seats the council, appoints the sponsor and
// the CX manager, manages tokens, and may act for a member (the log then
// names both). These are the sets of roles the routes share.
var (
	admin   = []Role{RoleAdmin}
	council = []Role{RoleAdmin, RoleCouncil}
	cxTeam  = []Role{RoleAdmin, RoleCXManager, RoleCXTeam}
	// managers keep the register of people and disband crews.
	managers = []Role{RoleAdmin, RoleCXManager}
	// stewards see an approved initiative through: its owner, start and completion.
	stewards = []Role{RoleAdmin, RoleCouncil, RoleCXManager}
	// feedbackLoggers log what customers say.
	feedbackLoggers = []Role{RoleAdmin, RoleCXManager, RoleCXTeam, RoleAmbassador}
	// followUps answer a feedback item's follow-up.
	followUps = []Role{RoleAdmin, RoleCXManager, RoleCXTeam, RoleAmbassador, RoleExpert}
	// planners keep the action plans of accounts.
	planners = []Role{RoleAdmin, RoleCXManager, RoleCXTeam, RoleExpert}
	// readers: every signed-in role reads; a service token needs action:read.
	readers = Rule{Roles: []Role{RoleAdmin, RolePerson}, Action: ActionRead}
)

// empty reports whether the rule lets nobody in.
func (r Rule) empty() bool {
	return len(r.Roles) == 0 && r.Action == "" && r.LeadOf == "" && r.OwnerOf == "" && r.Self == ""
}

// String says who the rule lets in, in words, for the OpenAPI document.
func (r Rule) String() string {
	var who []string
	if len(r.Roles) > 0 {
		names := make([]string, len(r.Roles))
		for i, role := range r.Roles {
			names[i] = string(role)
		}
		who = append(who, "the roles "+strings.Join(names, ", "))
	}
	if r.Action != "" {
		who = append(who, "a service token granted "+events.GrantActionPrefix+r.Action)
	}
	if r.LeadOf != "" {
		who = append(who, "the lead of the crew {"+r.LeadOf+"}")
	}
	if r.OwnerOf != "" {
		who = append(who, "the expert who owns the initiative {"+r.OwnerOf+"}")
	}
	if r.Self != "" {
		who = append(who, "the person {"+r.Self+"} themselves")
	}
	return strings.Join(who, "; ")
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
	rule, listed := r.Rule()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			caller := callerOf(c)
			if !listed || !s.allows(rule, c, caller) {
				return notAllowed("your roles (" + rolesText(s.RolesOf(caller)) + ") do not allow " + r.Method + " " + r.Path)
			}
			return next(c)
		}
	}
}

// notAllowed is a 403: the caller's roles or grants do not let them do
// this, whatever the state. (A command that the state refuses is a 409, by
// the one table of errors.go.)
func notAllowed(detail string) *Problem {
	return &Problem{Status: http.StatusForbidden, Title: "Forbidden", Detail: detail}
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
