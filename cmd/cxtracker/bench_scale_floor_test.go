package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// floorScale publishes the import's items with the least the tracker
// could do for them: each batch's events built by the Engine's own builder
// (State.Events on an empty State: payloads encoded, envelopes by
// Event.Encode) and published as the store publishes them (the event id as
// the message id, the content type) in atomic batches of
// events.MaxFeedbackBatch, the size raw publishes, to a stream configured
// as CX (its duplicate window, which every message id costs the server)
// beside it on the same server. Nothing else: no lines read or checked, no
// rules, no projector, no item store. Its rate over raw's is the most the
// import's ratio could be.
type floorScale struct {
	m     *Main
	js    natsjs.JetStream
	state *events.State
}

// floorScaleStream is the stream floorScale publishes to.
const floorScaleStream = "SCALE_FLOOR"

// newFloorScale creates the stream.
func newFloorScale(ctx context.Context, m *Main) (*floorScale, error) {
	f := &floorScale{m: m, state: events.NewState()}
	var err error
	if f.js, err = natsjs.New(m.conn); err != nil {
		return nil, err
	}
	cfg := jetstream.StreamConfig(1)
	cfg.Name, cfg.Description, cfg.Subjects = floorScaleStream, "", []string{"scalefloor.>"}
	cfg.DenyDelete, cfg.DenyPurge = false, false
	_, err = f.js.CreateStream(ctx, cfg)
	return f, err
}

// floorPayloads are the events the import logs for body's lines: read
// before the clock starts, since the floor reads no lines.
func floorPayloads(body []byte) ([]events.FeedbackLogged, error) {
	var out []events.FeedbackLogged
	for line := range bytes.Lines(body) {
		var p events.FeedbackLogged
		if err := json.Unmarshal(line, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// publish builds and publishes the events of items, in batches of at most
// events.MaxFeedbackBatch each on one touchpoint's aggregate (that of its
// first item), one batch after the other.
func (f *floorScale) publish(ctx context.Context, items []events.FeedbackLogged) error {
	for len(items) > 0 {
		batch := items[:min(events.MaxFeedbackBatch, len(items))]
		items = items[len(batch):]
		agg := events.Aggregate{Kind: events.KindFeedback, ID: batch[0].TouchpointID}
		d := events.Decision{Aggregate: agg, Events: make([]events.Payload, len(batch))}
		for i, p := range batch {
			p.FeedbackID = events.NewID()
			d.Events[i] = p
		}
		evs, _, err := f.state.Events(d, events.Meta{Actor: "bench"})
		if err != nil {
			return err
		}
		msgs := make([]*nats.Msg, len(evs))
		for i, ev := range evs {
			data, err := ev.Encode()
			if err != nil {
				return err
			}
			msg := nats.NewMsg("scalefloor" + strings.TrimPrefix(agg.Subject(ev.Name()), events.SubjectPrefix))
			msg.Data = data
			msg.Header.Set("Nats-Msg-Id", ev.ID)
			msg.Header.Set("Content-Type", events.ContentType)
			msgs[i] = msg
		}
		if err := floorBatch(ctx, f.m.conn, msgs); err != nil {
			return err
		}
	}
	return nil
}

// floorBatch publishes msgs as one atomic batch, as rawBatch does, and
// reads the acknowledgement as the store does.
func floorBatch(ctx context.Context, nc *nats.Conn, msgs []*nats.Msg) error {
	ans, err := publishAtomic(ctx, nc, msgs)
	if err != nil {
		return err
	}
	var ack struct {
		Seq   uint64          `json:"seq"`
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(ans.Data, &ack); err != nil || ack.Error != nil {
		return fmt.Errorf("floor batch: %s", ans.Data)
	}
	return nil
}

// close deletes the stream.
func (f *floorScale) close() { _ = f.js.DeleteStream(context.Background(), floorScaleStream) }
