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
	e.POST("/signin", w.signIn)
	e.POST("/signout", w.signOut, w.signedIn, w.checkCSRF)
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
				f.Error = "Too many attempts from this address. Wait a minute and try again."
			default:
				f.Error = ae.Problem.Title + ": " + ae.Problem.Detail
			}
			return w.render(c, ae.Status, signInPage, f)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// openSession signs the browser in as the token with this hash: the API
// must accept it (a read as that caller), and the session then starts.
func (w *Web) openSession(c echo.Context, hash string) error {
	probe := &session{tokenHash: hash}
	c.Set(sessionKey, probe)
	defer c.Set(sessionKey, nil)
	if err := w.get(c, "/v1/council", nil, nil); err != nil {
		return err
	}
	caller, ok := w.api.CallerByHash(hash)
	if !ok {
		return &apiError{Status: http.StatusUnauthorized}
	}
	name := "token " + caller.TokenID
	if caller.PersonID != "" {
		var p projections.PersonView
		if err := w.get(c, "/v1/people/"+caller.PersonID, nil, &p); err == nil {
			name = p.Name
		}
	}
	ss := w.sessions.start(hash, caller.PersonID, name)
	w.setCookie(c, ss)
	return nil
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
