package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
)

// A one-time sign-in link (`cxtracker token issue --link`, or
// POST /v1/tokens/{id}/signin-links) opens a page that asks whether to sign
// in; only its button, a POST, uses the link. A GET never does, so a mail
// scanner or a chat's link preview that fetches the link cannot spend it.
//
// The POST has no session yet, so it carries no session's CSRF token.
// What it needs is the link's code, a one-time secret of 256 bits in its
// path: a forger can only post a code it holds itself, to sign the victim
// in as the forger ("login CSRF"). That is refused by the browser's own
// word on where the form came from (sameOrigin: Sec-Fetch-Site, or Origin
// against Host), which holds on every replica alike, where a form token
// signed with a per-process secret would fail when the GET and the POST
// reach two replicas. The POST also makes the session cookie
// (SameSite=Strict) a same-site one: set on the answer to a link opened
// from a mail, by a cross-site navigation, the browser would not send it
// on the redirect that follows.

func (w *Web) signInLinkRoutes(e *echo.Echo) {
	e.GET(api.SignInLinkPath+":code", w.signInLinkPage)
	e.POST(api.SignInLinkPath+":code", w.redeemSignInLink, sameOrigin)
}

// signInLinkView is what the sign-in link's page shows: whom the link signs
// in as, or why it no longer works.
type signInLinkView struct {
	// Name is who the link signs in as; "" when it no longer works.
	Name string
	// Action is where the button posts: the link's own path.
	Action  string
	Message string
}

func (w *Web) signInLinkPage(c echo.Context) error {
	code := c.Param("code")
	hash, ok, err := w.api.PeekSignInLink(c.Request().Context(), code)
	if err != nil {
		return apiProblem(err)
	}
	if !ok {
		return w.linkRefused(c)
	}
	_, name, err := w.whoIs(c, hash)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, page{name: "signinlink", title: "Sign in as " + name + "?"},
		signInLinkView{Name: name, Action: api.SignInLinkPath + code})
}

// redeemSignInLink uses the link and opens a session as its token.
func (w *Web) redeemSignInLink(c echo.Context) error {
	hash, ok, err := w.api.RedeemSignInLink(c.Request().Context(), c.Param("code"))
	if err != nil {
		return apiProblem(err)
	}
	if !ok {
		return w.linkRefused(c)
	}
	if err := w.openSession(c, hash); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// linkRefused is the page of a link that does not sign in: used, expired,
// or never made. It counts as a failed sign-in from the browser's address,
// in the API's rate limiter, so that codes are guessed no faster than
// tokens; past the limit it says to wait.
func (w *Web) linkRefused(c echo.Context) error {
	if wait, limited := w.api.SignInFailed(c.Request()); limited {
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		return w.render(c, http.StatusTooManyRequests, page{name: "signinlink", title: "Too many attempts"},
			signInLinkView{Message: tooManyAttempts})
	}
	return w.render(c, http.StatusGone, page{name: "signinlink", title: "This sign-in link no longer works"},
		signInLinkView{Message: "It has been used, or its 15 minutes have passed: a sign-in link works once. Ask the CX team's administrator for a new one, or sign in with your API token."})
}

// tooManyAttempts is what a browser is told once its address has failed to
// sign in more often than the rate limit allows.
const tooManyAttempts = "Too many sign-in attempts from this address. Wait a minute and try again."

// apiProblem is an error of the API's exported methods as the page it
// becomes: a *api.Problem as an answer of the API.
func apiProblem(err error) error {
	var p *api.Problem
	if errors.As(err, &p) {
		return &apiError{Status: p.Status, Problem: *p}
	}
	return err
}

// crossOrigin tells a form posted from this site from one posted from
// another.
var crossOrigin = http.NewCrossOriginProtection()

// sameOrigin refuses a form posted from another site: the browser says
// where it came from (Sec-Fetch-Site, or Origin). A request that says
// neither, from a program or an old browser, goes through.
func sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := crossOrigin.Check(c.Request()); err != nil {
			return &pageError{Status: http.StatusForbidden, Title: "This form came from another site",
				Detail: "Sign in from this tracker's own pages: open the sign-in link or the sign-in page again, and press its button."}
		}
		return next(c)
	}
}
