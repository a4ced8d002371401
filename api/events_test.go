package api_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

// registerPeople adds people through the Engine and answers their ids.
func registerPeople(t *testing.T, a *testAPI, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := events.NewID()
		_, err := a.Engine.Execute(context.Background(), events.RegisterPerson{PersonID: id, Name: fmt.Sprintf("P%d", i), Email: id + "@example.com", Department: "Claims"}, events.Meta{Actor: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestAuditLogListsFiltersAndPages(t *testing.T) {
	a := startAPI(t)
	people := registerPeople(t, a, 5)
	var page struct {
		Items []struct {
			Seq         uint64         `json:"seq"`
			Event       string         `json:"event"`
			Aggregate   string         `json:"aggregate"`
			AggregateID string         `json:"aggregate_id"`
			Actor       string         `json:"actor"`
			Data        map[string]any `json:"data"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?aggregate=person&limit=2", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].AggregateID != people[0] || page.Items[0].Event != "person_registered" || page.Items[0].Actor != "tester" || page.NextCursor == "" {
		t.Fatalf("first page %+v", page)
	}
	seen := len(page.Items)
	for page.NextCursor != "" {
		cursor := page.NextCursor
		page.NextCursor = ""
		a.Must(http.StatusOK, http.MethodGet, "/v1/events?aggregate=person&limit=2&cursor="+cursor, nil).JSON(t, &page)
		seen += len(page.Items)
	}
	if seen != 5 {
		t.Fatalf("paging saw %d people's events, want 5", seen)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?type=cx.token.token_issued", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].Aggregate != "token" {
		t.Fatalf("by type: %+v", page.Items)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?actor=nobody", nil).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("by an unknown actor: %+v", page.Items)
	}
	for _, bad := range []string{"after_seq=x", "from=yesterday", "aggregate=a.b", "limit=0"} {
		if r := a.Do(http.MethodGet, "/v1/events?"+bad, nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s answered %d, want 422", bad, r.Status)
		}
	}
}

func TestHistoryOfAnEntityIsItsEventsOldestFirst(t *testing.T) {
	a := startAPI(t)
	id := registerPeople(t, a, 1)[0]
	if _, err := a.Engine.Execute(context.Background(), events.RecordDeparture{PersonID: id, Reason: "retired"}, events.Meta{Actor: "hr"}); err != nil {
		t.Fatal(err)
	}
	var h struct {
		Events []struct {
			Event   string `json:"event"`
			Version uint64 `json:"version"`
			Reason  string `json:"reason"`
		} `json:"events"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"/history", nil).JSON(t, &h)
	if len(h.Events) != 2 || h.Events[0].Event != "person_registered" || h.Events[1].Reason != "retired" || h.Events[1].Version != 2 {
		t.Fatalf("history %+v", h)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/people/"+events.NewID()+"/history", nil)
	a.Must(http.StatusOK, http.MethodGet, "/v1/council/history", nil)
}

// sse reads Server-Sent Events from path until n events came, answering
// their ids.
func sse(t *testing.T, a *testAPI, path, lastID string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var ids []string
	lines := bufio.NewScanner(resp.Body)
	for len(ids) < n && lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "id: "); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) < n {
		t.Fatalf("the stream gave %d events, want %d", len(ids), n)
	}
	return ids
}

func TestEventStreamResumesWithoutGapOrDuplicate(t *testing.T) {
	a := startAPI(t)
	registerPeople(t, a, 3) // seqs 2..4 after the admin token at 1
	first := sse(t, a, "/v1/events/stream?aggregate=person", "", 2)
	if strings.Join(first, ",") != "2,3" {
		t.Fatalf("first connection got %v", first)
	}
	// Reconnect after the last id seen, while more events arrive.
	done := make(chan []string)
	go func() { done <- sse(t, a, "/v1/events/stream?aggregate=person", first[len(first)-1], 3) }()
	time.Sleep(100 * time.Millisecond)
	registerPeople(t, a, 2) // seqs 5, 6: live
	if got := strings.Join(<-done, ","); got != "4,5,6" {
		t.Fatalf("the resumed stream gave %s, want 4,5,6", got)
	}
}

func TestASlowStreamClientHoldsUpNobodyAndLosesNothing(t *testing.T) {
	a := startAPI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The slow client connects and then reads nothing for a while.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/v1/events/stream?aggregate=feedback", nil)
	req.Header.Set("Authorization", "Bearer "+a.Admin)
	slow, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Body.Close()

	// Far more than the socket buffers hold: 2,000 events of about 1 KiB.
	const total = 2000
	tp := events.Aggregate{Kind: events.KindFeedback, ID: events.NewID()}
	pad := strings.Repeat("x", 900)
	for b := range total / 500 {
		evs := make([]events.Event, 500)
		for i := range evs {
			evs[i], _ = events.NewEvent(tp, events.EventFeedbackLogged, 2, uint64(b*500+i+1), map[string]any{"comment": pad}, events.Meta{})
		}
		if _, err := a.Store.Append(ctx, tp, events.ExpectAny(), evs...); err != nil {
			t.Fatalf("writes were held up by the slow client: %v", err)
		}
	}
	// Another client gets everything meanwhile.
	if ids := sse(t, a, "/v1/events/stream?aggregate=feedback", "", total); len(ids) != total {
		t.Fatalf("the other client got %d events", len(ids))
	}
	// The slow client, reading at last, gets every event once, in order.
	lines := bufio.NewScanner(slow.Body)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	next := 2 // the admin token's event is seq 1
	for next <= total+1 && lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "id: "); ok {
			if id != fmt.Sprint(next) {
				t.Fatalf("the slow client got seq %s where %d was due", id, next)
			}
			next++
		}
	}
	if next != total+2 {
		t.Fatalf("the slow client got %d of %d events", next-2, total)
	}
}
