package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
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

// loadPeople registers everyone and gives the program's roles: the sponsor,
// the CX manager, the experts and the ambassadors, with one ambassador
// handing over to a colleague and one person leaving the company.
func (l *demoLoader) loadPeople(ctx context.Context) error {
	l.pr.Step("people and roles", 0)
	for _, p := range demoPeople {
		id, err := l.create(ctx, "/v1/people", obj{"name": p.name, "email": emailOf(p.name), "department": p.department})
		if err != nil {
			return err
		}
		l.people[p.key] = id
		l.res.People++
	}
	writes := []demoWrite{
		{http.MethodPut, "/v1/program/sponsor", obj{"person_id": l.people["sponsor"]}},
		{http.MethodPut, "/v1/program/cx-manager", obj{"person_id": l.people["cx_manager"]}},
	}
	for _, e := range demoExperts {
		writes = append(writes, demoWrite{http.MethodPost, "/v1/program/experts", obj{"person_id": l.people[e[0]], "unit": e[1]}})
	}
	for _, key := range demoAmbassadors {
		writes = append(writes, demoWrite{http.MethodPost, "/v1/program/ambassadors", obj{"person_id": l.people[key], "department": department(key)}})
	}
	for _, w := range writes {
		if err := l.post(ctx, w.method, w.path, w.body); err != nil {
			return err
		}
	}
	// Zofia moves to the planning office; Miguel takes over as the
	// Operations ambassador.
	if err := l.post(ctx, http.MethodDelete, "/v1/program/ambassadors/"+url.PathEscape(l.people["ops_ambassador_old"]), nil); err != nil {
		return err
	}
	return l.post(ctx, http.MethodPost, "/v1/program/ambassadors", obj{"person_id": l.people["ops_ambassador"], "department": "Operations"})
}

// demoWrite is one write of the demo whose answer it does not need.
type demoWrite struct {
	method, path string
	body         obj
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

// loadCouncil seats the quality council: five directors, one the chair.
func (l *demoLoader) loadCouncil(ctx context.Context) error {
	l.pr.Step("quality council", len(demoCouncil))
	for i, key := range demoCouncil {
		if err := l.post(ctx, http.MethodPost, "/v1/council/members",
			obj{"person_id": l.people[key], "department": department(key), "chair": i == 0}); err != nil {
			return err
		}
	}
	return nil
}

// loadCrews forms a crew of every type with its members. The pilot crew is
// disbanded when its quarter is over, and one planner leaves the company.
func (l *demoLoader) loadCrews(ctx context.Context) error {
	l.pr.Step("crews", 0)
	for _, cr := range demoCrews {
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
	}
	if err := l.post(ctx, http.MethodPost, "/v1/crews/"+l.crews["chatbot_pilot"]+"/disbandment",
		obj{"reason": "The pilot quarter is over: customers preferred the help centre chat with a person; the service crew keeps the chat."}); err != nil {
		return err
	}
	if err := l.post(ctx, http.MethodDelete, "/v1/crews/"+l.crews["service"]+"/members/"+l.people["ops_planner"], nil); err != nil {
		return err
	}
	return l.post(ctx, http.MethodPost, "/v1/people/"+l.people["ops_planner"]+"/departure", obj{"reason": "Moved to a logistics company."})
}
