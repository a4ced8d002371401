package jetstream_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	cejs "github.com/cloudevents/sdk-go/protocol/nats_jetstream/v2"
	cloudevents "github.com/cloudevents/sdk-go/v2"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// TestOfficialCloudEventsSDKReadsEveryEvent consumes the stream with the
// CloudEvents Go SDK and its NATS JetStream binding, as an outside service
// would, and checks every attribute, extension and the data of each event.
func TestOfficialCloudEventsSDKReadsEveryEvent(t *testing.T) {
	srv := jstest.Server(t, t.TempDir())
	st := jstest.Open(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var sent []events.Event
	for i, kind := range []string{"crew", "initiative", "feedback", "journey", "kpi"} {
		agg := events.Aggregate{Kind: kind, ID: events.NewID()}
		ev, err := events.NewEvent(agg, fmt.Sprintf("thing_%d_happened", i), 1+i%2, 1, map[string]any{"n": i, "note": "café ☕"}, events.Meta{
			Actor: events.NewID(), ActorToken: events.NewID(), CorrelationID: events.NewID(), CausationID: events.NewID(), IdempotencyKey: fmt.Sprintf("key-%d", i),
		})
		if err != nil {
			t.Fatal(err)
		}
		mustAppend(t, st, agg, events.ExpectNew(), ev)
		sent = append(sent, ev)
	}

	consumer, err := cejs.NewConsumerFromConn(jstest.Conn(t, srv), "CX", "cx.>", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	client, err := cloudevents.NewClient(consumer)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []cloudevents.Event
	recvCtx, stop := context.WithCancel(ctx)
	go func() {
		_ = client.StartReceiver(recvCtx, func(e cloudevents.Event) {
			mu.Lock()
			defer mu.Unlock()
			if got = append(got, e); len(got) == len(sent) {
				stop()
			}
		})
	}()
	<-recvCtx.Done()
	if ctx.Err() != nil {
		t.Fatalf("the SDK received %d of %d events", len(got), len(sent))
	}
	mu.Lock()
	defer mu.Unlock()
	// The SDK calls the receiver concurrently, so events are matched by id.
	byID := map[string]cloudevents.Event{}
	for _, e := range got {
		byID[e.ID()] = e
	}
	for i, want := range sent {
		e, ok := byID[want.ID]
		if !ok {
			t.Errorf("event %s never reached the SDK", want.ID)
			continue
		}
		if err := e.Validate(); err != nil {
			t.Errorf("event %d is not a valid CloudEvent to the SDK: %v", i, err)
		}
		if e.SpecVersion() != "1.0" || e.ID() != want.ID || e.Type() != want.Type || e.Source() != want.Source || e.Subject() != want.Subject ||
			!e.Time().Equal(want.Time) || e.DataContentType() != "application/json" {
			t.Errorf("event %d attributes: %s", i, e)
		}
		ext := e.Extensions()
		for name, value := range map[string]any{
			"actor": want.Actor, "actortoken": want.ActorToken, "correlationid": want.CorrelationID, "causationid": want.CausationID,
			"idempotencykey": want.IdempotencyKey, "aggregateversion": want.AggregateVersion, "schemaversion": want.SchemaVersion,
		} {
			if fmt.Sprint(ext[name]) != fmt.Sprint(value) {
				t.Errorf("event %d extension %s = %v, want %v", i, name, ext[name], value)
			}
		}
		var data, wantData map[string]any
		if err := e.DataAs(&data); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(want.Data, &wantData)
		if fmt.Sprint(data) != fmt.Sprint(wantData) {
			t.Errorf("event %d data %v, want %v", i, data, wantData)
		}
	}
}
