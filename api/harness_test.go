package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/projections"
)

// testAPI is the API over real HTTP on a real embedded JetStream, with an
// admin token, as the binary wires it. Every answer it receives is
// validated against the server's /openapi.json (openapi_contract_test.go).
type testAPI struct {
	t      testing.TB
	URL    string
	Admin  string
	Server *api.Server
	Engine *events.Engine
	Views  *projections.Views
	Store  events.Store
}

// startAPI starts the whole read and write path for one test. Extra models
// are fed by the projector after the tracker's own.
func startAPI(t testing.TB, extra ...projections.Model) *testAPI {
	t.Helper()
	return startAPIWith(t, nil, extra...)
}

// startAPIWith is startAPI with the dependencies edited before the server
// is built.
func startAPIWith(t testing.TB, edit func(*api.Deps), extra ...projections.Model) *testAPI {
	t.Helper()
	return startAPIOn(t, jstest.Start(t), edit, extra...)
}

// startAPIOn is startAPIWith on a store the test opened.
func startAPIOn(t testing.TB, store *jetstream.Store, edit func(*api.Deps), extra ...projections.Model) *testAPI {
	t.Helper()
	a, creds, proj := serveOn(t, store, edit, extra...)
	ctx := context.Background()
	engine, views := a.Engine, a.Views

	token, hash := api.NewToken()
	adminID := events.NewID()
	if _, err := api.KeepCredential(ctx, creds, views.Tokens, adminID, hash); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Execute(ctx, events.IssueToken{TokenID: adminID, Label: "test admin", Grants: []string{events.GrantAdmin}}, events.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := proj.WaitFor(ctx, engine.LastSeq()); err != nil {
		t.Fatal(err)
	}
	a.Admin = token
	a.loadContract()
	return a
}

// serveOn builds the whole read and write path over store and its buckets,
// as the tracker's start does, and serves it over real HTTP: a first server,
// or another replica (or the same one after a restart) over the same log.
// It answers the credential bucket and the projector it built (which edit
// may have replaced in the server), for a test that issues tokens itself.
func serveOn(t testing.TB, store *jetstream.Store, edit func(*api.Deps), extra ...projections.Model) (*testAPI, *jetstream.Credentials, *projections.Projector) {
	t.Helper()
	return serve(t, store, replicaOptions{}, edit, extra...)
}

// replicaOptions are what a test of a lagging replica changes in its set-up.
type replicaOptions struct {
	// unfollowed replicas do not follow the credential bucket, as if its
	// watch had not reached them yet.
	unfollowed bool
	// lead are models the projector feeds before the tracker's own, so
	// that a gate among them holds every read model back.
	lead []projections.Model
}

// serve is serveOn with options.
func serve(t testing.TB, store *jetstream.Store, o replicaOptions, edit func(*api.Deps), extra ...projections.Model) (*testAPI, *jetstream.Credentials, *projections.Projector) {
	t.Helper()
	engine, err := events.NewEngine(store)
	if err != nil {
		t.Fatal(err)
	}
	views := projections.NewViews()
	models := append(append(o.lead, views.Models()...), extra...)
	proj := projections.NewProjector(store, engine, nil, models...)
	ctx, cancel := context.WithCancel(context.Background())
	creds, err := store.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !o.unfollowed {
		if err := creds.Follow(ctx, views.Tokens.Credential); err != nil {
			t.Fatal(err)
		}
	}
	answers, err := store.Answers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	links, err := store.SignInLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = proj.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	deps := api.Deps{Engine: engine, Projector: proj, Views: views, Store: store, Credentials: creds, Answers: answers, SignInLinks: links, Ready: proj.Ready,
		Eraser: testEraser{keys: keys, answers: answers}}
	if edit != nil {
		edit(&deps)
	}
	srv := api.New(deps)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testAPI{t: t, URL: hs.URL, Server: srv, Engine: engine, Views: views, Store: store}, creds, proj
}

// Response is an answer as a test sees it.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("answer %d is not the JSON expected (%v): %s", r.Status, err, r.Body)
	}
}

// Map is the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request with the admin token; body is JSON-encoded unless it
// is a string or []byte, which are sent as they are. headers are pairs.
func (a *testAPI) Do(method, path string, body any, headers ...string) Response {
	a.t.Helper()
	return a.DoAs(a.Admin, method, path, body, headers...)
}

// DoAs sends a request with token ("" for none).
func (a *testAPI) DoAs(token, method, path string, body any, headers ...string) Response {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.URL+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method == http.MethodGet {
		// Tests write through the Engine as well as over HTTP; a read asks
		// for everything written so far, as a client reading its own write
		// does, since the read models apply an event a moment after the
		// Engine's state.
		req.Header.Set(api.HeaderMinSeq, strconv.FormatUint(a.Engine.LastSeq(), 10))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	answer := Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
	a.validate(req, answer)
	return answer
}

// Must sends a request that must answer want, and answers it.
func (a *testAPI) Must(want int, method, path string, body any, headers ...string) Response {
	a.t.Helper()
	r := a.Do(method, path, body, headers...)
	if r.Status != want {
		a.t.Fatalf("%s %s answered %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Stream opens a streaming answer, such as Server-Sent Events, with the
// admin token: its status, headers and media type are validated against
// the document, and its route counts as exercised, while the caller reads
// the body (and closes it). ctx bounds the whole stream; headers are pairs.
func (a *testAPI) Stream(ctx context.Context, path string, headers ...string) *http.Response {
	a.t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		// An answer that is not the stream is read and checked whole.
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			a.t.Fatal(err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		a.validate(req, Response{Status: resp.StatusCode, Header: resp.Header, Body: body})
		return resp
	}
	for _, err := range checkAnswer(req, Response{Status: resp.StatusCode, Header: resp.Header}, false) {
		a.t.Error(err)
	}
	return resp
}
