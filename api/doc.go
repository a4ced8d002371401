// Package api is the tracker's HTTP JSON API on Echo v4: routes, request and
// response types, errors as RFC 9457 problem documents, and the service
// endpoints that orchestrators probe.
package api
