package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"cxtracker/api"
)

// The first answers of keyed requests are kept in the answer bucket of
// JetStream (events/jetstream/answers.go): these tests restart the API, or
// run a second one, over the same log and bucket.

func TestAKeyedRetryAfterARestartAnswersTheFirstBytesThoughTheEntityChanged(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines")
	id := first.Map(t)["id"].(string)
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+id, map[string]any{"department": "Sales"})
	before := a.Engine.LastSeq()
	restarted := a.replica(t)
	sameAnswer(t, first, restarted.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines"))
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("the retry after a restart wrote: the log went from %d to %d", before, last)
	}
}

func TestAKeyedRetryOnAnotherReplicaAnswersTheFirstReplicasBytes(t *testing.T) {
	a := startAPI(t)
	b := a.replica(t)
	body := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines")
	id := first.Map(t)["id"].(string)
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+id, map[string]any{"department": "Sales"})
	before := a.Engine.LastSeq()
	sameAnswer(t, first, b.Do(http.MethodPost, "/v1/people", body, "Idempotency-Key", "register-ines"))
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("the retry on another replica wrote: the log went from %d to %d", before, last)
	}
}

// A request the rules refused leaves nothing in the log, yet its key is
// bound to it: a retry, on any replica, gets the refusal again, as the
// Idempotency-Key draft has it, and the key with another body 422.
func TestARefusedKeyedRequestIsAnsweredAgainOnAnotherReplica(t *testing.T) {
	a := startAPI(t)
	bad := map[string]any{"name": "Ines", "email": "not an address", "department": "Claims"}
	first := a.Do(http.MethodPost, "/v1/people", bad, "Idempotency-Key", "register-ines")
	if first.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a person with a bad address answered %d %s, want 422", first.Status, first.Body)
	}
	before := a.Engine.LastSeq()
	b := a.replica(t)
	again := b.Do(http.MethodPost, "/v1/people", bad, "Idempotency-Key", "register-ines")
	if again.Status != first.Status || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry answered %d %s; the first %d %s", again.Status, again.Body, first.Status, first.Body)
	}
	good := map[string]any{"name": "Ines", "email": "ines@example.com", "department": "Claims"}
	r := b.Do(http.MethodPost, "/v1/people", good, "Idempotency-Key", "register-ines")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Idempotency-Key") {
		t.Fatalf("the key of a refused request, with another body, answered %d %s, want its 422", r.Status, r.Body)
	}
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("the refused key wrote: the log went from %d to %d", before, last)
	}
}

func TestAKeyedImportRetryAfterARestartAnswersTheFirstAnswerAndWritesNothing(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	tp := m.Touchpoints["Branch"]
	body := fmt.Sprintf(`{"touchpoint_id":%q,"metric":"csat","score":4,"source":"survey"}`+"\n"+`{"touchpoint_id":%q,"metric":"csat","score":9,"source":"survey"}`+"\n"+`{"touchpoint_id":%q,"metric":"nps"}`+"\n", tp, tp, tp)
	first := a.importNDJSON(body, "Idempotency-Key", "import-1")
	if first.Status != http.StatusOK || !strings.Contains(string(first.Body), `"line":3`) {
		t.Fatalf("the import answered %d %s, want 200 with line 3 refused", first.Status, first.Body)
	}
	before := a.Engine.LastSeq()
	restarted := a.replica(t)
	sameAnswer(t, first, restarted.importNDJSON(body, "Idempotency-Key", "import-1"))
	if last, _ := a.Store.LastSeq(context.Background()); last != before {
		t.Fatalf("the import retried after a restart wrote: the log went from %d to %d", before, last)
	}
}

func TestAKeyedTokenRetryNeverShowsTheSecretAndTheBucketNeverHoldsIt(t *testing.T) {
	a := startAPI(t)
	req := map[string]any{"label": "survey bot", "grants": []string{"action:log_feedback"}}
	first := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", req, "Idempotency-Key", "bot-token")
	var issued api.IssuedToken
	first.JSON(t, &issued)
	if issued.Token == "" {
		t.Fatalf("the first answer does not show the token: %s", first.Body)
	}
	admin, ok := a.Views.Tokens.ByHash(api.HashToken(a.Admin))
	if !ok {
		t.Fatal("the admin token is not known")
	}
	raw, found, err := api.KeptAnswer(a.Server, admin.ID, "bot-token")
	if err != nil || !found {
		t.Fatalf("no answer kept for the key: %v %v", found, err)
	}
	if strings.Contains(string(raw), issued.Token) || strings.Contains(string(raw), strings.TrimPrefix(issued.Token, api.TokenPrefix)) {
		t.Fatalf("the answer bucket holds the token: %s", raw)
	}
	var kept struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal(raw, &kept); err != nil || !strings.Contains(kept.Body, issued.ID) {
		t.Fatalf("the kept answer is not the token's answer (%v): %s", err, raw)
	}
	for name, r := range map[string]*testAPI{"the same replica": a, "a restarted one": a.replica(t)} {
		again := r.Do(http.MethodPost, "/v1/tokens", req, "Idempotency-Key", "bot-token")
		var replayed api.IssuedToken
		again.JSON(t, &replayed)
		if again.Status != http.StatusCreated || string(again.Body) != kept.Body || again.Header.Get("Idempotent-Replayed") != "true" ||
			replayed.ID != issued.ID || replayed.Token != "" || strings.Contains(string(again.Body), `"token"`) {
			t.Fatalf("the retry on %s answered %d %s, want the token's first answer without its secret", name, again.Status, again.Body)
		}
	}
}
