package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
)

// SignInLinkPath is where the dashboard opens a one-time sign-in link: this
// path, then the link's code.
const SignInLinkPath = "/signin/link/"

// SignInLinkLifetime is how long a sign-in link works, if nobody uses it
// first.
const SignInLinkLifetime = 15 * time.Minute

// SignInLinkKeeper keeps the one-time sign-in links where every replica
// finds them, for SignInLinkLifetime (events/jetstream/signinlinks.go). A
// link is kept by a hash of its code, never by the code.
type SignInLinkKeeper interface {
	// KeepLink stores a link under id, and answers false, storing
	// nothing, when id holds one already.
	KeepLink(ctx context.Context, id string, link []byte) (bool, error)
	// Link is the link under id, left there; found false when none is.
	Link(ctx context.Context, id string) ([]byte, bool, error)
	// TakeLink is the link under id, removed: of callers that race for
	// one link, on any replica, only one finds it.
	TakeLink(ctx context.Context, id string) ([]byte, bool, error)
}

// SignInLink is a one-time link that signs a browser in to the dashboard as
// a token: the only answer that shows its path.
type SignInLink struct {
	TokenID  string `json:"token_id"`
	PersonID string `json:"person_id,omitempty"`
	// Path holds the link's code; it is left out of the answer kept for a
	// retry with the same Idempotency-Key, which never holds a secret.
	Path      string    `json:"path,omitempty" doc:"the dashboard's path to open in a browser, on this server's address; it holds the link's code and works once"`
	ExpiresAt time.Time `json:"expires_at" doc:"when the link stops working, if it was not used before"`
}

// keptLink is a link as the keeper holds it: the hash of the token it signs
// in as, and when it expires, by the API's clock.
type keptLink struct {
	TokenHash string    `json:"token_hash"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) signInLinkRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/tokens/{id}/signin-links", Allow: Rule{Roles: admin},
			Summary:  "make a one-time link that signs a browser in to the dashboard as the token, for 15 minutes; the answer shows its path once",
			Response: SignInLink{}, Status: http.StatusCreated, Undated: true, Handler: s.makeSignInLink},
	}
}

// codePattern is a link's code: 32 random bytes in unpadded base64url.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// newLinkCode is a fresh random code.
func newLinkCode() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // rand.Read does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// linkID is where the link with this code is kept: its SHA-256, so that
// the keeper never holds a code that signs in.
func linkID(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

func (s *Server) makeSignInLink(c echo.Context) error {
	if s.SignInLinks == nil {
		return unavailable("this tracker keeps no sign-in links")
	}
	id := c.Param("id")
	t, ok := s.Views.Tokens.ByID(id)
	switch {
	case !ok:
		return notFound("token", id)
	case t.Revoked:
		return &Problem{Status: http.StatusConflict, Title: "Token revoked",
			Detail: fmt.Sprintf("token %q is revoked: issue a new one and make its link", id)}
	case t.Hash() == "":
		return unavailable("this tracker has not yet learnt the token's credential; retry in a moment")
	}
	code := newLinkCode()
	expires := s.Clock.Now().Add(SignInLinkLifetime).UTC()
	raw, err := json.Marshal(keptLink{TokenHash: t.Hash(), ExpiresAt: expires})
	if err != nil {
		return err
	}
	kept, err := s.SignInLinks.KeepLink(c.Request().Context(), linkID(code), raw)
	if err != nil {
		return err
	}
	if !kept {
		return errors.New("a new sign-in link's code is taken") // 256 random bits: never
	}
	answer := SignInLink{TokenID: t.ID, PersonID: t.PersonID, ExpiresAt: expires}
	keyedOf(c).keepInstead(answer)
	answer.Path = SignInLinkPath + code
	return c.JSON(http.StatusCreated, answer)
}

// PeekSignInLink answers the hash of the token the link with this code
// signs in as (CallerByHash says who that is), leaving the link unused, for
// a page that asks whether to sign in: false when the link is unknown, used
// or expired, or its token revoked. An error is a *Problem.
func (s *Server) PeekSignInLink(ctx context.Context, code string) (string, bool, error) {
	return s.signInLink(ctx, code, false)
}

// RedeemSignInLink uses the link with this code and answers the hash of
// the token it signs in as. From then on the link works nowhere, on no
// replica, even for a browser that raced this one for it. False as for
// PeekSignInLink; an error is a *Problem.
func (s *Server) RedeemSignInLink(ctx context.Context, code string) (string, bool, error) {
	return s.signInLink(ctx, code, true)
}

// signInLink reads the link with this code, or takes it, and answers the
// hash of its token while the link and the token are good.
func (s *Server) signInLink(ctx context.Context, code string, take bool) (string, bool, error) {
	if s.SignInLinks == nil {
		return "", false, unavailable("this tracker keeps no sign-in links")
	}
	if !codePattern.MatchString(code) {
		return "", false, nil
	}
	read := s.SignInLinks.Link
	if take {
		read = s.SignInLinks.TakeLink
	}
	raw, found, err := read(ctx, linkID(code))
	if err != nil {
		if p, internal := problemOf(err); !internal {
			return "", false, p
		}
		return "", false, err
	}
	var l keptLink
	if !found || json.Unmarshal(raw, &l) != nil || !s.Clock.Now().Before(l.ExpiresAt) {
		return "", false, nil
	}
	if _, ok := s.CallerByHash(l.TokenHash); !ok {
		return "", false, nil
	}
	return l.TokenHash, true, nil
}
