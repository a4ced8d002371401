package api

import (
	"context"
	"net/http"
)

// sessionKey marks a request the dashboard sends on behalf of one of its
// sessions. It is a context value, so only code in this process can set
// it; no header a client sends can.
type sessionKey struct{}

// AsSession is r, to be served as the caller whose token has this hash. The
// dashboard's sessions keep a token's hash, never the token, and send every
// page's reads and writes through the API this way, so that a session may
// do exactly what its token may, by the same permission table.
func AsSession(r *http.Request, tokenHash string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, tokenHash))
}

func sessionHash(r *http.Request) (string, bool) {
	h, ok := r.Context().Value(sessionKey{}).(string)
	return h, ok
}

// CallerByHash is who the token with this hash signs in as, and false once
// it is revoked or was never issued: a revoked token's sessions end on
// their next request.
func (s *Server) CallerByHash(hash string) (Caller, bool) {
	t, ok := s.Views.Tokens.ByHash(hash)
	if !ok {
		return Caller{}, false
	}
	return Caller{TokenID: t.ID, PersonID: t.PersonID, Grants: t.Grants}, true
}
