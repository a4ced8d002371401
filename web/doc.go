// Package web is the dashboard: server-rendered HTML pages for the council,
// the CX team, experts and ambassadors, served by the same binary as the
// API and beside it.
//
// Every page reads and writes through the API in this process (backend.go),
// as the caller its session signed in as, so a page shows and does exactly
// what the person's token may: one permission table, one set of rules and
// read models. Sessions keep a token's hash, never the token (session.go).
//
// Templates and assets are embedded (templates/, static/); there is no
// build step. Pages work with JavaScript off; static/live.js only refreshes
// a page when the log moves (live.go). Charts are SVG drawn on the server
// (charts.go).
package web
