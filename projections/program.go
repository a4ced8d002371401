package projections

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// ProgramRoles are the program's appointments: the one sponsor, the CX
// manager, the ambassadors (ordered by department) and the business-unit
// experts (ordered by unit). An absent sponsor or manager is not appointed.
type ProgramRoles struct {
	Sponsor     *PersonRef       `json:"sponsor,omitempty"`
	CXManager   *PersonRef       `json:"cx_manager,omitempty"`
	Ambassadors []AmbassadorView `json:"ambassadors"`
	Experts     []ExpertView     `json:"experts"`
}

// AmbassadorView is one ambassador and their department.
type AmbassadorView struct {
	PersonRef
	Department string `json:"department"`
}

// ExpertView is one business-unit expert and their unit.
type ExpertView struct {
	PersonRef
	Unit string `json:"unit"`
}

// Roles are the program's appointments as they stand.
func (m *People) Roles() ProgramRoles {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r := ProgramRoles{Ambassadors: []AmbassadorView{}, Experts: []ExpertView{}}
	if m.sponsor != "" {
		ref := m.ref(m.sponsor)
		r.Sponsor = &ref
	}
	if m.manager != "" {
		ref := m.ref(m.manager)
		r.CXManager = &ref
	}
	for id, d := range m.ambassadors {
		r.Ambassadors = append(r.Ambassadors, AmbassadorView{PersonRef: m.ref(id), Department: d})
	}
	for id, u := range m.experts {
		r.Experts = append(r.Experts, ExpertView{PersonRef: m.ref(id), Unit: u})
	}
	slices.SortFunc(r.Ambassadors, func(a, b AmbassadorView) int {
		return cmp.Or(strings.Compare(a.Department, b.Department), strings.Compare(a.Name, b.Name), strings.Compare(a.PersonID, b.PersonID))
	})
	slices.SortFunc(r.Experts, func(a, b ExpertView) int {
		return cmp.Or(strings.Compare(a.Unit, b.Unit), strings.Compare(a.Name, b.Name), strings.Compare(a.PersonID, b.PersonID))
	})
	return r
}

func (m *People) ref(id string) PersonRef {
	if row, ok := m.people[id]; ok {
		return PersonRef{PersonID: id, Name: row.view.Name, Left: row.view.Left}
	}
	return PersonRef{PersonID: id}
}

// Departments are the departments of people who have not left, sorted and
// each once: the departments the program should reach.
func (m *People) Departments() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []string{}
	for _, row := range m.people {
		if !row.view.Left && !slices.Contains(out, row.view.Department) {
			out = append(out, row.view.Department)
		}
	}
	sort.Strings(out)
	return out
}
