package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// IssueTokenRequest asks for a token for a person or a service.
type IssueTokenRequest struct {
	PersonID string   `json:"person_id,omitempty"`
	Label    string   `json:"label,omitempty"`
	Grants   []string `json:"grants,omitempty"`
}

// IssuedToken is a token as issued: the only answer that shows the token.
type IssuedToken struct {
	projections.TokenView
	Token string `json:"token,omitempty"`
}

func (s *Server) tokenRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/tokens", Allow: Rule{Roles: admin}, Summary: "issue a token for a person or a service; the answer shows the token once",
			Request: IssueTokenRequest{}, Response: IssuedToken{}, Status: http.StatusCreated, Handler: s.issueToken},
		{Method: http.MethodDelete, Path: "/v1/tokens/{id}", Allow: Rule{Roles: admin}, Summary: "revoke a token",
			Response: projections.TokenView{}, Handler: s.revokeToken},
	}
}

func (s *Server) issueToken(c echo.Context) error {
	var req IssueTokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	token, hash := NewToken()
	id := s.newID(c)
	kept, err := KeepCredential(c.Request().Context(), s.Credentials, s.Views.Tokens, id, hash)
	if err != nil {
		return err
	}
	return s.write(c, Write{
		Command: events.IssueToken{TokenID: id, PersonID: req.PersonID, Label: req.Label, Grants: req.Grants},
		Status:  http.StatusCreated,
		View: func() (any, error) {
			v, _ := s.Views.Tokens.ByID(id)
			// The token is shown once, in the first answer: the answer kept
			// for a retry with the same Idempotency-Key (idempotency.go)
			// is this one without it, since no secret is ever stored.
			keyedOf(c).keepInstead(IssuedToken{TokenView: v})
			if !kept {
				// A retry whose first answer is not kept (idempotency.go)
				// is answered with the token first issued, without its
				// secret; the one this request drew was never issued.
				return IssuedToken{TokenView: v}, nil
			}
			return IssuedToken{TokenView: v, Token: token}, nil
		},
	})
}

func (s *Server) revokeToken(c echo.Context) error {
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: events.Aggregate{Kind: events.KindToken, ID: id},
		Command:   events.RevokeToken{TokenID: id, Reason: "revoked through the API"},
		View: func() (any, error) {
			v, ok := s.Views.Tokens.ByID(id)
			if !ok {
				return nil, notFound("token", id)
			}
			return v, nil
		},
	})
}
