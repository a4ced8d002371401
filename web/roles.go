package web

import (
	"cxtracker/projections"
)

// roleNames are a person's roles in words, as the 403 page and the header
// show them.
func roleNames(r projections.PersonRoles, admin bool) []string {
	var out []string
	if admin {
		out = append(out, "administrator")
	}
	if r.Sponsor {
		out = append(out, "CX sponsor")
	}
	if r.CXManager {
		out = append(out, "CX manager")
	}
	if r.Council != nil {
		seat := "quality council member for " + r.Council.Department
		if r.Council.Chair {
			seat = "chair of the quality council (" + r.Council.Department + ")"
		}
		out = append(out, seat)
	}
	if r.Ambassador != nil {
		out = append(out, "CX ambassador for "+r.Ambassador.Department)
	}
	if r.Expert != nil {
		out = append(out, "business-unit expert for "+r.Expert.Unit)
	}
	for _, c := range r.Crews {
		out = append(out, c.Role+" of the "+c.Name+" crew")
	}
	return out
}
