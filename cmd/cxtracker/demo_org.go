package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// demoPerson is someone in the demo company; key is the demo's name for them.
type demoPerson struct {
	key, name, department string
}

// demoPeople is the demo company: a board sponsor, the CX team with its
// three pillars, directors who sit on the council, business-unit experts,
// ambassadors and colleagues in every department. Finance has nobody to
// carry the culture, which the program overview shows as a gap.
var demoPeople = []demoPerson{
	{"sponsor", "Helena Kowalska", "Board"},
	{"cx_manager", "Marco Bianchi", "Customer Experience"},
	{"insights_head", "Joana Ferreira", "Customer Experience"},
	{"design_head", "Tomasz Nowak", "Customer Experience"},
	{"change_head", "Giulia Romano", "Customer Experience"},
	{"analyst", "Piotr Wiśniewski", "Customer Experience"},
	{"designer", "Beatriz Costa", "Customer Experience"},
	{"cs_director", "Ana Ribeiro", "Customer Service"},
	{"cs_expert", "Luca Esposito", "Customer Service"},
	{"cs_ambassador", "Katarzyna Zielińska", "Customer Service"},
	{"cs_agent1", "Rui Almeida", "Customer Service"},
	{"cs_agent2", "Francesca Ricci", "Customer Service"},
	{"sales_director", "Paolo Conti", "Sales"},
	{"sales_expert", "Magdalena Lewandowska", "Sales"},
	{"sales_ambassador", "João Martins", "Sales"},
	{"partner_manager", "Daniela Santos", "Sales"},
	{"account_manager", "Sofia Greco", "Sales"},
	{"marketing_director", "Inês Carvalho", "Marketing"},
	{"marketing_ambassador", "Michał Kamiński", "Marketing"},
	{"marketer", "Chiara Marino", "Marketing"},
	{"product_director", "Andrzej Wójcik", "Product"},
	{"product_expert", "Elena Bruno", "Product"},
	{"product_ambassador", "Pedro Sousa", "Product"},
	{"product_manager", "Alessandro Gallo", "Product"},
	{"it_director", "Agnieszka Szymańska", "IT"},
	{"it_expert", "Tiago Pereira", "IT"},
	{"it_ambassador", "Federico Colombo", "IT"},
	{"engineer", "Marta Dąbrowska", "IT"},
	{"ops_expert", "Bruno Fontana", "Operations"},
	{"ops_ambassador_old", "Zofia Kozłowska", "Operations"},
	{"ops_ambassador", "Miguel Rodrigues", "Operations"},
	{"ops_planner", "Sara Moretti", "Operations"},
	{"finance_expert", "Krzysztof Jankowski", "Finance"},
	{"billing_clerk", "Carla Lopes", "Finance"},
	{"hr_ambassador", "Valentina Rizzo", "HR"},
	{"hr_partner", "Jakub Mazur", "HR"},
}

// demoExperts are the business-unit experts and their units.
var demoExperts = [][2]string{
	{"cs_expert", "Customer Service"}, {"sales_expert", "Sales"}, {"product_expert", "Product"},
	{"it_expert", "IT"}, {"ops_expert", "Operations"}, {"finance_expert", "Finance"},
}

// demoAmbassadors are the ambassadors; ops_ambassador_old is released later
// when she moves to the planning office.
var demoAmbassadors = []string{
	"cs_ambassador", "sales_ambassador", "marketing_ambassador", "product_ambassador",
	"it_ambassador", "ops_ambassador_old", "hr_ambassador",
}

// demoCouncil is the quality council: five directors, the first the chair.
var demoCouncil = []string{"cs_director", "sales_director", "product_director", "it_director", "marketing_director"}

// demoCrew is a crew of the Unfix model with its members; the first member
// leads it.
type demoCrew struct {
	key, name, typ, function, purpose string
	members                           []string
}

var demoCrews = []demoCrew{
	{"council_office", "Quality Council Office", "governance", "",
		"Prepares the council's agenda, keeps the decision log and follows every decision through to its result.",
		[]string{"cx_manager", "cs_director", "analyst"}},
	{"new_business", "New Business Value Stream", "value_stream", "",
		"Takes a prospect from the first visit to a signed contract, with an honest picture of what they buy.",
		[]string{"sales_expert", "account_manager", "marketer", "sales_ambassador"}},
	{"onboarding", "Onboarding Value Stream", "value_stream", "",
		"Takes a new customer from the signed contract to first value in under two weeks.",
		[]string{"product_expert", "product_manager", "engineer", "cs_agent1"}},
	{"service", "Service and Renewals Value Stream", "value_stream", "",
		"Keeps customers served, billed correctly and renewing: support, billing and renewal conversations.",
		[]string{"cs_expert", "cs_ambassador", "cs_agent2", "billing_clerk", "ops_planner"}},
	{"design_studio", "Design Studio", "facilitation", "design",
		"Runs design-thinking workshops on the big rocks insights brings up and prototypes the fixes with the business.",
		[]string{"design_head", "designer", "product_ambassador"}},
	{"voc", "Voice of the Customer", "capability", "insights",
		"Collects and analyses feedback at every touchpoint and finds the drivers behind the scores.",
		[]string{"insights_head", "analyst", "it_ambassador"}},
	{"academy", "CX Academy", "capability", "change_management",
		"Builds awareness and skills of CX across the company, trains the ambassadors and runs the recognition scheme.",
		[]string{"change_head", "hr_partner", "hr_ambassador", "marketing_ambassador"}},
	{"data_platform", "Customer Data Platform", "platform", "",
		"Runs the survey tooling, the CRM integration and the CX data pipeline the other crews build on.",
		[]string{"it_expert", "engineer", "it_ambassador"}},
	{"experience", "End-to-End Experience", "experience", "",
		"Watches the whole journey across products and channels and keeps the value streams' focus on the seams between them.",
		[]string{"cx_manager", "account_manager", "product_manager", "cs_agent2", "designer"}},
	{"partners", "Partner Channel", "partnership", "",
		"Works with resellers and implementation partners on the experience they deliver in our name.",
		[]string{"partner_manager", "sales_ambassador", "ops_expert"}},
	{"chatbot_pilot", "Chatbot Pilot", "platform", "",
		"Tries a first-line chatbot on the help centre for one quarter.",
		[]string{"engineer", "cs_agent1"}},
}

// emailOf makes a person's address from their name, folding the letters an
// address does not take.
func emailOf(name string) string {
	fold := strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z",
		"ã", "a", "á", "a", "â", "a", "ç", "c", "é", "e", "ê", "e", "í", "i", "õ", "o", "ô", "o", "ú", "u", "Ł", "L", "Ż", "Z", "Ś", "S")
	return strings.ToLower(strings.ReplaceAll(fold.Replace(name), " ", ".")) + "@example.com"
}

// planPeople registers, on the baseline's first morning, the CX manager
// and the people of the crews that own touchpoints, and names the CX
// manager; everyone else on the first morning of the council's year, when
// the sponsor is named; the experts over the first week and the
// ambassadors over the first month and a half; in the fifth month one
// ambassador hands over to a colleague.
func (l *demoLoader) planPeople() {
	first := demoBaselinePeople()
	for i, p := range demoPeople {
		d := 0
		if first[p.key] {
			d = -demoBaselineDays
		}
		l.tl.at(l.day(d, 5, i), func(ctx context.Context) error {
			id, err := l.create(ctx, "/v1/people", obj{"name": p.name, "email": emailOf(p.name), "department": p.department})
			l.people[p.key] = id
			l.res.People++
			return err
		})
	}
	l.write(l.day(-demoBaselineDays, 5, 41), http.MethodPut, "/v1/program/cx-manager", func() obj { return obj{"person_id": l.people["cx_manager"]} })
	l.write(l.day(0, 5, 40), http.MethodPut, "/v1/program/sponsor", func() obj { return obj{"person_id": l.people["sponsor"]} })
	for i, e := range demoExperts {
		l.write(l.day(3+i, 11, 0), http.MethodPost, "/v1/program/experts", func() obj { return obj{"person_id": l.people[e[0]], "unit": e[1]} })
	}
	for i, key := range demoAmbassadors {
		l.write(l.day(14+4*i, 11, 30), http.MethodPost, "/v1/program/ambassadors",
			func() obj { return obj{"person_id": l.people[key], "department": department(key)} })
	}
	// Zofia moves to the planning office; Miguel takes over as the
	// Operations ambassador.
	l.tl.at(l.day(150, 9, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodDelete, "/v1/program/ambassadors/"+url.PathEscape(l.people["ops_ambassador_old"]), nil)
	})
	l.write(l.day(150, 9, 5), http.MethodPost, "/v1/program/ambassadors", func() obj { return obj{"person_id": l.people["ops_ambassador"], "department": "Operations"} })
}

// demoBaselinePeople are the keys of the people there from the program's
// first day: the CX manager and the members of the crews that own
// touchpoints.
func demoBaselinePeople() map[string]bool {
	keys := map[string]bool{"cx_manager": true}
	for _, cr := range demoCrews {
		if ownsTouchpoint(cr.key) {
			for _, m := range cr.members {
				keys[m] = true
			}
		}
	}
	return keys
}

// ownsTouchpoint says whether a demo crew owns a touchpoint when the
// journey is mapped.
func ownsTouchpoint(crew string) bool {
	return slices.ContainsFunc(demoTouchpoints, func(tp demoTouchpoint) bool { return tp.crew == crew })
}

// write adds a step at t of one write whose body is made when it is sent
// (it names ids the tracker gives earlier in the year).
func (l *demoLoader) write(t time.Time, method, path string, body func() obj) {
	l.tl.at(t, func(ctx context.Context) error { return l.post(ctx, method, path, body()) })
}

// department is a demo person's department.
func department(key string) string {
	for _, p := range demoPeople {
		if p.key == key {
			return p.department
		}
	}
	return ""
}

// planCouncil seats the quality council on the year's second day: five
// directors, the first the chair.
func (l *demoLoader) planCouncil() {
	for i, key := range demoCouncil {
		l.write(l.day(1, 10, i), http.MethodPost, "/v1/council/members",
			func() obj { return obj{"person_id": l.people[key], "department": department(key), "chair": i == 0} })
	}
}

// demoCrewFormed is the day of the council's year each crew that owns no
// touchpoint is formed, over the first weeks; the chatbot pilot runs for a
// quarter from day 45. Those that own touchpoints are formed on the
// baseline's first morning, just before the journey is mapped.
var demoCrewFormed = map[string]int{
	"council_office": 1, "voc": 8, "data_platform": 12, "design_studio": 20, "academy": 30, "chatbot_pilot": 45,
}

// planCrews forms a crew of every type with its members. The pilot crew is
// disbanded when its quarter is over, and one planner leaves the company
// in the seventh month.
func (l *demoLoader) planCrews() {
	for i, cr := range demoCrews {
		t := l.day(-demoBaselineDays, 5, 45).Add(time.Duration(i) * time.Minute)
		if !ownsTouchpoint(cr.key) {
			t = l.day(demoCrewFormed[cr.key], 14, 0)
		}
		l.tl.at(t, func(ctx context.Context) error {
			body := obj{"name": cr.name, "type": cr.typ, "purpose": cr.purpose}
			if cr.function != "" {
				body["function"] = cr.function
			}
			id, err := l.create(ctx, "/v1/crews", body)
			if err != nil {
				return err
			}
			l.crews[cr.key] = id
			l.res.Crews++
			for i, m := range cr.members {
				role := "member"
				if i == 0 {
					role = "lead"
				}
				if err := l.post(ctx, http.MethodPost, "/v1/crews/"+id+"/members", obj{"person_id": l.people[m], "role": role}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	l.tl.at(l.day(demoCrewFormed["chatbot_pilot"]+92, 16, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodPost, "/v1/crews/"+l.crews["chatbot_pilot"]+"/disbandment",
			obj{"reason": "The pilot quarter is over: customers preferred the help centre chat with a person; the service crew keeps the chat."})
	})
	l.tl.at(l.day(200, 17, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodDelete, "/v1/crews/"+l.crews["service"]+"/members/"+l.people["ops_planner"], nil)
	})
	l.tl.at(l.day(201, 9, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodPost, "/v1/people/"+l.people["ops_planner"]+"/departure", obj{"reason": "Moved to a logistics company."})
	})
}
