package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// Caller is who sent a request: the token and, for a person's token, the
// person. Every event the request causes records both.
type Caller struct {
	TokenID  string
	PersonID string
	Grants   []string
}

// actor is the event's actor: the person, or the token of a service.
func (c Caller) actor() string {
	if c.PersonID != "" {
		return c.PersonID
	}
	return "token/" + c.TokenID
}

// Admin reports whether the caller holds the admin grant.
func (c Caller) Admin() bool { return slices.Contains(c.Grants, events.GrantAdmin) }

const callerKey = "cxtracker.caller"

func callerOf(c echo.Context) Caller {
	v, _ := c.Get(callerKey).(Caller)
	return v
}

// TokenPrefix starts every token, so that a leaked one is recognisable.
const TokenPrefix = "cxt_"

// NewToken is a fresh random token and its hash, the only form that is
// stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // rand.Read does not fail on supported platforms
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the SHA-256 of a token in lower-case hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CredentialKeeper keeps the tokens' hashes outside the event log, so that
// no reader of the log gets them (events/jetstream/credentials.go).
type CredentialKeeper interface {
	// Keep stores the hash of token id, and answers false, storing
	// nothing, when id holds one already.
	Keep(ctx context.Context, tokenID, hash string) (bool, error)
	// Hash is the hash kept for token id, "" when none is, as the store's
	// leader has it (not a replica that may lag).
	Hash(ctx context.Context, tokenID string) (string, error)
}

// KeepCredential keeps a new token's hash before its token_issued event is
// written, and tells the token model at once, so that this tracker signs
// the token in as soon as it has applied the event; other trackers learn
// the hash from the credential store. It answers false when id holds a hash
// already (a retried issue): the token whose hash was passed is then never
// issued.
//
// Errors: ErrInvalid, ErrUnavailable.
func KeepCredential(ctx context.Context, keeper CredentialKeeper, tokens *projections.Tokens, id, hash string) (bool, error) {
	if keeper == nil {
		return false, fmt.Errorf("%w: no credential store", events.ErrUnavailable)
	}
	kept, err := keeper.Keep(ctx, id, hash)
	if err != nil || !kept {
		return false, err
	}
	tokens.Credential(id, hash)
	return true, nil
}

// authenticate signs the caller in with the bearer token, or answers 401.
// Tokens are looked up by their hash, and the stored hash is compared in
// constant time, so neither the lookup nor the comparison leaks the token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hash, session := sessionHash(c.Request())
		if !session {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, token, found := strings.Cut(h, " ")
			if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
				return s.refuse(c, "send Authorization: Bearer <token>")
			}
			hash = HashToken(strings.TrimSpace(token))
		}
		t, ok := s.Views.Tokens.ByHash(hash)
		if !ok {
			var err error
			if t, ok, err = s.lateToken(c, hash); err != nil {
				return err
			}
		}
		if !ok || subtle.ConstantTimeCompare([]byte(t.Hash()), []byte(hash)) != 1 {
			return s.refuse(c, "the token is unknown or revoked")
		}
		c.Set(callerKey, Caller{TokenID: t.ID, PersonID: t.PersonID, Grants: t.Grants})
		return next(c)
	}
}

func unauthorized(c echo.Context, detail string) error {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="cxtracker"`)
	return &Problem{Status: http.StatusUnauthorized, Title: "Unauthorized", Detail: detail}
}

// refuse answers a failed sign-in, counting it against the caller's address
// so that guessing tokens is rate limited like any other traffic.
func (s *Server) refuse(c echo.Context, detail string) error {
	if err := s.takeRate(c); err != nil {
		return err
	}
	return unauthorized(c, detail)
}
