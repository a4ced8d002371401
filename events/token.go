package events

import (
	"regexp"
)

// KindToken is the aggregate of one API token. The log holds neither the
// token nor anything derived from it: the token's hash is kept apart, in the
// tracker's credential store (events/jetstream/credentials.go), so that
// whoever may read the audit trail learns nothing to sign in with.
const KindToken = "token"

// tokenEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var tokenEvents = []EventType{
	def[TokenIssued](KindToken, 2, upcastTokenIssuedV1),
	def[TokenRevoked](KindToken, 1),
}

// Event names of the token aggregate.
const (
	EventTokenIssued  = "token_issued"
	EventTokenRevoked = "token_revoked"
)

// Grants a token can carry beyond its person's roles. GrantAdmin is the
// administrator's; a grant "action:<name>" limits a service token to one
// named action, such as a survey system that may only log feedback.
const (
	GrantAdmin        = "admin"
	GrantActionPrefix = "action:"
)

// TokenIssued says a token was issued, for a person or for a service.
// Hash is set only in events stored at schema version 1, which carried the
// token's SHA-256 hash; the tracker still signs those tokens in by it.
// Events written since never carry it.
type TokenIssued struct {
	TokenID  string   `json:"token_id"`
	PersonID string   `json:"person_id,omitempty"`
	Label    string   `json:"label,omitempty"`
	Hash     string   `json:"hash,omitempty"`
	Grants   []string `json:"grants,omitempty"`
}

// TokenRevoked says a token no longer signs anyone in.
type TokenRevoked struct {
	TokenID string `json:"token_id"`
	Reason  string `json:"reason,omitempty"`
}

func (TokenIssued) EventName() string  { return EventTokenIssued }
func (TokenRevoked) EventName() string { return EventTokenRevoked }

// Token is the current state of one token.
type Token struct {
	ID       string
	PersonID string
	Label    string
	Grants   []string
	Revoked  bool
}

func (t *Token) apply(ev Payload) {
	switch e := ev.(type) {
	case TokenIssued:
		t.PersonID, t.Label, t.Grants = e.PersonID, e.Label, e.Grants
	case TokenRevoked:
		t.Revoked = true
	}
}

// Token is the token with id, and false if there is none.
func (s *State) Token(id string) (*Token, bool) {
	t, ok := s.tokens[id]
	return t, ok
}

var grantPattern = regexp.MustCompile(`^(admin|action:[a-z][a-z0-9_.]{0,63})$`)

// IssueToken records that a token was issued. Its hash is not part of the
// command: the caller keeps it in the credential store first. A token for a
// person needs the person to be active; a token without one is a service's
// or the administrator's and must carry grants, since no role gives it any.
type IssueToken struct {
	TokenID  string
	PersonID string
	Label    string
	Grants   []string
}

// Decide checks each grant and the person.
func (c IssueToken) Decide(s *State) (Decision, error) {
	var v checks
	v.id("token_id", c.TokenID)
	v.optionalID("person_id", c.PersonID)
	v.optionalText("label", c.Label)
	for i, g := range c.Grants {
		if !grantPattern.MatchString(g) {
			v.fail("grants", "grant %d (%q) is neither %q nor %q followed by an action name", i, g, GrantAdmin, GrantActionPrefix)
		}
	}
	if c.PersonID == "" && len(c.Grants) == 0 {
		v.fail("grants", "a token without a person needs at least one grant")
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.tokens[c.TokenID]; ok {
		return Decision{}, ruleForbids("token %q exists already", c.TokenID)
	}
	if c.PersonID != "" {
		if _, err := s.activePerson(c.PersonID); err != nil {
			return Decision{}, err
		}
	}
	return decide(Aggregate{KindToken, c.TokenID}, TokenIssued{
		TokenID: c.TokenID, PersonID: c.PersonID, Label: c.Label, Grants: c.Grants,
	})
}

// RevokeToken stops a token from signing anyone in. Revoking a revoked token
// asks for what holds already and writes nothing.
type RevokeToken struct {
	TokenID string
	Reason  string
}

// Decide needs the token to exist.
func (c RevokeToken) Decide(s *State) (Decision, error) {
	t, ok := s.tokens[c.TokenID]
	if !ok {
		return Decision{}, notFound("token", c.TokenID)
	}
	if t.Revoked {
		return Decision{Aggregate: Aggregate{KindToken, t.ID}}, nil
	}
	return decide(Aggregate{KindToken, t.ID}, TokenRevoked{TokenID: t.ID, Reason: c.Reason})
}
