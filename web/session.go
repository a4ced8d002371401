package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
)

// SessionIdle is how long a session lasts without a request.
const SessionIdle = 12 * time.Hour

// cookieName is the session cookie's name.
const cookieName = "cx_session"

// session is one signed-in browser. It holds the token's hash, never the
// token, and is kept in this process only: a restart signs everyone out.
type session struct {
	id        string
	tokenHash string
	// csrf is the token every form of this session posts back.
	csrf string
	// name is who signed in, for the page header.
	name     string
	personID string
	lastSeen time.Time
}

// sessions are the signed-in browsers, by cookie value.
type sessions struct {
	now func() time.Time
	mu  sync.Mutex
	by  map[string]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, by: map[string]*session{}}
}

func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // rand.Read does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// start opens a session for the token with this hash.
func (s *sessions) start(tokenHash, personID, name string) *session {
	ss := &session{id: randomID(), tokenHash: tokenHash, csrf: randomID(), personID: personID, name: name, lastSeen: s.now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.by[ss.id] = ss
	return ss
}

// get is the live session with this id, touched; false when there is none
// or it has been idle too long (it is then ended).
func (s *sessions) get(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.by[id]
	if !ok {
		return nil, false
	}
	now := s.now()
	if now.Sub(ss.lastSeen) > SessionIdle {
		delete(s.by, id)
		return nil, false
	}
	ss.lastSeen = now
	out := *ss
	return &out, true
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.by, id)
}

// sweep drops idle sessions; the caller holds mu.
func (s *sessions) sweep() {
	now := s.now()
	for id, ss := range s.by {
		if now.Sub(ss.lastSeen) > SessionIdle {
			delete(s.by, id)
		}
	}
}

const sessionKey = "web.session"

func sessionOf(c echo.Context) *session {
	ss, _ := c.Get(sessionKey).(*session)
	return ss
}

// signedIn lets a request with a live session through and sends any other
// to the sign-in page. A session whose token has been revoked ends here, on
// its first request after the revocation.
func (w *Web) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(cookieName)
		var ss *session
		if err == nil {
			ss, _ = w.sessions.get(ck.Value)
		}
		if ss != nil {
			if _, ok := w.api.CallerByHash(ss.tokenHash); !ok {
				w.sessions.end(ss.id)
				ss = nil
			}
		}
		if ss == nil {
			w.clearCookie(c)
			if c.Request().Method != http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/signin?ended=1")
			}
			return c.Redirect(http.StatusSeeOther, "/signin?next="+safeNext(c.Request().URL.RequestURI()))
		}
		c.Set(sessionKey, ss)
		w.markSeq(c)
		return next(c)
	}
}

// checkCSRF refuses a form post whose _csrf field is not the session's.
func (w *Web) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead {
			return next(c)
		}
		ss := sessionOf(c)
		got := c.FormValue("_csrf")
		if ss == nil || subtle.ConstantTimeCompare([]byte(got), []byte(ss.csrf)) != 1 {
			return &pageError{Status: http.StatusForbidden, Title: "This form has expired",
				Detail: "The form was not sent from this session's page (its security token is missing or old). Go back, reload the page and send it again."}
		}
		return next(c)
	}
}

func (w *Web) setCookie(c echo.Context, ss *session) {
	c.SetCookie(&http.Cookie{Name: cookieName, Value: ss.id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: secure(c), MaxAge: int(SessionIdle / time.Second)})
}

func (w *Web) clearCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: secure(c), MaxAge: -1})
}

// secure reports whether the page was served over TLS, here or at a proxy
// in front that says so in X-Forwarded-Proto.
func secure(c echo.Context) bool { return c.Scheme() == "https" }

// request is r sent as the session's caller.
func (ss *session) request(r *http.Request) *http.Request { return api.AsSession(r, ss.tokenHash) }

// Name is who signed in, as the page header shows them.
func (ss *session) Name() string { return ss.name }
