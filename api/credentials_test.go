package api_test

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

// legacyToken stores a token_issued event as schema version 1 wrote it,
// hash included, as a log kept by an older release holds one, and answers
// the token, its hash and its id.
func legacyToken(t *testing.T, a *testAPI, personID string) (token, hash, id string) {
	t.Helper()
	token, hash = api.NewToken()
	id = events.NewID()
	agg := events.Aggregate{Kind: events.KindToken, ID: id}
	ev, err := events.NewEvent(agg, events.EventTokenIssued, 1, 1,
		events.TokenIssued{TokenID: id, PersonID: personID, Label: "issued by an older release", Hash: hash}, events.Meta{Actor: "system"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := a.Store.Append(ctx, agg, events.ExpectNew(), ev)
	if err != nil {
		t.Fatal(err)
	}
	// The read models, which sign tokens in, not only the write side.
	if err := a.Server.Projector.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ev.Data), hash) {
		t.Fatalf("the version 1 event holds no hash: %s", ev.Data)
	}
	return token, hash, id
}

// tokenReader is a person with a token of their own, issued through the
// API, and every token hash the test knows of.
type tokenReader struct {
	token  string
	hashes map[string]string // what the hash is of, by hash
	legacy string            // the hash stored in a version 1 event
	id     string            // the id of the legacy token
}

func newTokenReader(t *testing.T, a *testAPI) tokenReader {
	t.Helper()
	people := registerPeople(t, a, 2)
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": people[0]})
	var tok struct {
		Token string `json:"token"`
	}
	issued.JSON(t, &tok)
	old, oldHash, oldID := legacyToken(t, a, people[1])
	// The version 1 token still signs in: its hash is in its event.
	a.mustAs(old, http.StatusOK, "/v1/tokens/"+oldID+"/history")
	return tokenReader{
		token: tok.Token,
		hashes: map[string]string{
			api.HashToken(a.Admin):   "the admin's token",
			api.HashToken(tok.Token): "the person's own token",
			oldHash:                  "a token issued by an older release",
		},
		legacy: oldHash,
		id:     oldID,
	}
}

func (a *testAPI) mustAs(token string, want int, path string) Response {
	a.t.Helper()
	r := a.DoAs(token, http.MethodGet, path, nil)
	if r.Status != want {
		a.t.Fatalf("GET %s answered %d, want %d: %s", path, r.Status, want, r.Body)
	}
	return r
}

// noHash fails the test if body holds any of the hashes.
func (r tokenReader) noHash(t *testing.T, where string, body []byte) {
	t.Helper()
	for h, of := range r.hashes {
		if bytes.Contains(body, []byte(h)) {
			t.Errorf("%s shows the hash of %s: %s", where, of, body)
		}
	}
}

func TestAPersonTokenNeverReadsATokenHash(t *testing.T) {
	a := startAPI(t)
	r := newTokenReader(t, a)
	for _, path := range []string{
		"/v1/events?type=cx.token.token_issued",
		"/v1/events?type=token_issued&limit=500",
		"/v1/events?aggregate=token",
		"/v1/events",
		"/v1/tokens/" + r.id + "/history",
	} {
		got := a.mustAs(r.token, http.StatusOK, path)
		if !bytes.Contains(got.Body, []byte(events.EventTokenIssued)) {
			t.Fatalf("%s shows no token_issued event: %s", path, got.Body)
		}
		r.noHash(t, path, got.Body)
	}
}

func TestAPersonTokenNeverStreamsATokenHash(t *testing.T) {
	a := startAPI(t)
	r := newTokenReader(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/v1/events/stream?type=cx.token.token_issued", nil)
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the stream answered %d", resp.StatusCode)
	}
	// Three tokens were issued: the admin's, the person's and the old one.
	var raw bytes.Buffer
	lines := bufio.NewScanner(resp.Body)
	for n := 0; n < 3 && lines.Scan(); {
		raw.Write(lines.Bytes())
		raw.WriteByte('\n')
		if strings.HasPrefix(lines.Text(), "id: ") {
			n++
		}
	}
	// The last event's data line follows its id.
	for lines.Scan() && lines.Text() != "" {
		raw.Write(lines.Bytes())
		raw.WriteByte('\n')
	}
	if c := strings.Count(raw.String(), "event: cx.token.token_issued"); c != 3 {
		t.Fatalf("the stream gave %d token_issued events, want 3:\n%s", c, raw.String())
	}
	r.noHash(t, "the event stream", raw.Bytes())
}

func TestTheAdminReadsWhatAnOldEventHoldsAndNoNewTokenHasAHashInTheLog(t *testing.T) {
	a := startAPI(t)
	r := newTokenReader(t, a)
	for _, path := range []string{"/v1/events?type=cx.token.token_issued", "/v1/tokens/" + r.id + "/history"} {
		body := a.Must(http.StatusOK, http.MethodGet, path, nil).Body
		if !bytes.Contains(body, []byte(`"hash":"`+r.legacy+`"`)) {
			t.Errorf("the admin does not see the hash the version 1 event holds in %s: %s", path, body)
		}
		for h, of := range r.hashes {
			if h != r.legacy && bytes.Contains(body, []byte(h)) {
				t.Errorf("%s shows the hash of %s, which the log must not hold: %s", path, of, body)
			}
		}
	}
}
