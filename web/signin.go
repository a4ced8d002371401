package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

func (w *Web) signInRoutes(e *echo.Echo) {
	e.GET("/signin", w.signInPage)
	e.POST("/signin", w.signIn, sameOrigin)
	e.POST("/signout", w.signOut, w.signedIn, w.checkCSRF)
	w.signInLinkRoutes(e)
}

// signInForm is what the sign-in page shows.
type signInForm struct {
	Next    string
	Error   string
	Message string
}

var signInPage = page{name: "signin", title: "Sign in"}

func (w *Web) signInPage(c echo.Context) error {
	f := signInForm{Next: safeNext(c.QueryParam("next"))}
	if c.QueryParam("ended") != "" {
		f.Message = "Your session has ended. Sign in again to go on."
	}
	if c.QueryParam("out") != "" {
		f.Message = "You have signed out."
	}
	return w.render(c, http.StatusOK, signInPage, f)
}

// signIn checks the token through the API, so that a wrong guess counts
// against the browser's rate limit like any failed sign-in, and opens a
// session for it.
func (w *Web) signIn(c echo.Context) error {
	f := signInForm{Next: safeNext(c.FormValue("next"))}
	token := strings.TrimSpace(c.FormValue("token"))
	if token == "" {
		f.Error = "Paste your API token: it starts with " + api.TokenPrefix + "."
		return w.render(c, http.StatusUnprocessableEntity, signInPage, f)
	}
	hash := api.HashToken(token)
	if err := w.openSession(c, hash); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			switch ae.Status {
			case http.StatusUnauthorized:
				f.Error = "That token is unknown or has been revoked. Ask the CX team's administrator for a new one."
			case http.StatusTooManyRequests:
				f.Error = tooManyAttempts
			default:
				f.Error = ae.Problem.Title + ": " + ae.Problem.Detail
			}
			return w.render(c, ae.Status, signInPage, f)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// openSession signs the browser in as the token with this hash, and ends
// any session the browser had: a browser holds one.
func (w *Web) openSession(c echo.Context, hash string) error {
	caller, name, err := w.whoIs(c, hash)
	if err != nil {
		return err
	}
	if ck, err := c.Cookie(cookieName); err == nil {
		w.sessions.end(ck.Value)
	}
	ss := w.sessions.start(hash, caller.PersonID, name)
	w.setCookie(c, ss)
	return nil
}

// whoIs is who the token with this hash signs in as, and their name: the
// API must accept the token (a read as that caller, which counts a refusal
// against the browser's rate limit), and the person is read as that caller.
func (w *Web) whoIs(c echo.Context, hash string) (api.Caller, string, error) {
	probe := &session{tokenHash: hash}
	c.Set(sessionKey, probe)
	defer c.Set(sessionKey, nil)
	if err := w.get(c, "/v1/council", nil, nil); err != nil {
		return api.Caller{}, "", err
	}
	caller, ok := w.api.CallerByHash(hash)
	if !ok {
		return api.Caller{}, "", &apiError{Status: http.StatusUnauthorized}
	}
	name := "token " + caller.TokenID
	if caller.PersonID != "" {
		var p projections.PersonView
		if err := w.get(c, "/v1/people/"+caller.PersonID, nil, &p); err == nil {
			name = p.Name
		}
	}
	return caller, name, nil
}

func (w *Web) signOut(c echo.Context) error {
	if ss := sessionOf(c); ss != nil {
		w.sessions.end(ss.id)
	}
	w.clearCookie(c)
	return c.Redirect(http.StatusSeeOther, "/signin?out=1")
}

// safeNext is a path on this site to go to after signing in: a local path,
// never another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/signin") {
		return "/"
	}
	return next
}
