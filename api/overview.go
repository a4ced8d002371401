package api

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// Overview is the program at a glance: who holds the roles, the council,
// the crews, where the ambassadors are, what is unassigned, how the
// initiatives stand and how customers score the experience.
type Overview struct {
	Sponsor       *projections.PersonRef             `json:"sponsor"`
	CXManager     *projections.PersonRef             `json:"cx_manager"`
	Council       projections.CouncilView            `json:"council"`
	CrewsByType   map[string]int                     `json:"crews_by_type"`
	Ambassadors   map[string][]projections.PersonRef `json:"ambassadors_by_department"`
	Experts       []projections.ExpertView           `json:"experts"`
	Gaps          Gaps                               `json:"gaps"`
	Initiatives   map[string]int                     `json:"initiatives_by_status"`
	Headline      projections.Metrics                `json:"headline"`
	OpenFollowUps int                                `json:"open_follow_ups"`
}

// Gaps are the program's goals that nobody holds: the challenges the CX
// literature names (unclear responsibility, goals assigned to no one).
type Gaps struct {
	DepartmentsWithoutAmbassador []string        `json:"departments_without_ambassador"`
	KPIsWithoutOwner             []KPIRef        `json:"kpis_without_owner"`
	InitiativesWithoutOwner      []InitiativeRef `json:"initiatives_without_owner"`
	NoSponsor                    bool            `json:"no_sponsor"`
	NoCXManager                  bool            `json:"no_cx_manager"`
}

// KPIRef names a KPI in a view about something else.
type KPIRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// InitiativeRef names an initiative in a view about something else.
type InitiativeRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func (s *Server) overviewRoutes() []Route {
	return []Route{{Method: http.MethodGet, Path: "/v1/program",
		Summary:  "overview: sponsor, CX manager, council, crews by type, ambassadors by department, gaps, initiative counts, headline NPS/CSAT/CES",
		Response: Overview{}, Handler: s.overview}}
}

func (s *Server) overview(c echo.Context) error {
	v := s.Views
	roles := v.People.Roles()
	o := Overview{
		Sponsor: roles.Sponsor, CXManager: roles.CXManager, Council: v.Council.Roster(),
		CrewsByType: v.Crews.CountByType(), Ambassadors: map[string][]projections.PersonRef{}, Experts: roles.Experts,
		Initiatives: v.Initiatives.CountByStatus(), Headline: v.Feedback.Headline(), OpenFollowUps: v.Feedback.OpenFollowUps(),
	}
	for _, a := range roles.Ambassadors {
		o.Ambassadors[a.Department] = append(o.Ambassadors[a.Department], a.PersonRef)
	}
	o.Gaps = Gaps{
		DepartmentsWithoutAmbassador: []string{},
		KPIsWithoutOwner: refs(v.KPIs.WithoutOwner(), v.KPIs.Get, func(id string, k projections.KPIView) KPIRef {
			return KPIRef{ID: id, Name: k.Name}
		}),
		InitiativesWithoutOwner: refs(v.Initiatives.ApprovedWithoutOwner(), v.Initiatives.Get, func(id string, in projections.InitiativeView) InitiativeRef {
			return InitiativeRef{ID: id, Title: in.Title}
		}),
		NoSponsor:   roles.Sponsor == nil,
		NoCXManager: roles.CXManager == nil,
	}
	for _, d := range v.People.Departments() {
		if len(o.Ambassadors[d]) == 0 {
			o.Gaps.DepartmentsWithoutAmbassador = append(o.Gaps.DepartmentsWithoutAmbassador, d)
		}
	}
	sort.Strings(o.Gaps.DepartmentsWithoutAmbassador)
	return ok(c, o)
}

// refs names each of ids by what get reads of it now, in their order.
func refs[V, R any](ids []string, get func(string) (V, bool), ref func(string, V) R) []R {
	out := make([]R, 0, len(ids))
	for _, id := range ids {
		v, _ := get(id)
		out = append(out, ref(id, v))
	}
	return out
}
