package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"cxtracker/events"
)

// codeNoMessage is the JetStream API error for a message get that finds nothing.
const codeNoMessage = 10037

// storedMsg is a message read back through the stream's leader.
type storedMsg struct {
	Subject string    `json:"subject"`
	Seq     uint64    `json:"seq"`
	Data    []byte    `json:"data"`
	Time    time.Time `json:"time"`
}

// eventID is the id inside a stored event, which is also its Nats-Msg-Id.
func (m storedMsg) eventID() string {
	var e struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(m.Data, &e)
	return e.ID
}

// getMsg reads one message of the CX stream through its leader's API rather
// than direct get, which a non-leader replica may answer without the latest
// writes. It answers false when no message matches.
func (s *Store) getMsg(ctx context.Context, req map[string]any) (storedMsg, bool, error) {
	return s.getMsgOf(ctx, StreamName, req)
}

// getMsgOf is getMsg for any stream beside the log, such as a bucket's.
func (s *Store) getMsgOf(ctx context.Context, stream string, req map[string]any) (storedMsg, bool, error) {
	if err := s.connected(); err != nil {
		return storedMsg{}, false, err
	}
	body, _ := json.Marshal(req)
	ctx, cancel := context.WithTimeout(ctx, s.opts.publishTimeout)
	defer cancel()
	reply, err := s.nc.RequestWithContext(ctx, "$JS.API.STREAM.MSG.GET."+stream, body)
	if err != nil {
		return storedMsg{}, false, fmt.Errorf("%w: read back: %v", errNoAnswer, err)
	}
	var resp struct {
		Message *storedMsg `json:"message"`
		Error   *apiError  `json:"error"`
	}
	if err := json.Unmarshal(reply.Data, &resp); err != nil {
		return storedMsg{}, false, fmt.Errorf("%w: read back: %v", errNoAnswer, err)
	}
	if resp.Error != nil {
		if resp.Error.ErrCode == codeNoMessage {
			return storedMsg{}, false, nil
		}
		return storedMsg{}, false, resp.Error
	}
	if resp.Message == nil {
		return storedMsg{}, false, nil
	}
	return *resp.Message, true, nil
}

// lastSeqOf is the aggregate's newest stream sequence, 0 when it has none.
func (s *Store) lastSeqOf(ctx context.Context, agg events.Aggregate) (uint64, error) {
	m, ok, err := s.getMsg(ctx, map[string]any{"last_by_subj": agg.Filter()})
	if err != nil || !ok {
		return 0, err
	}
	return m.Seq, nil
}

// resolve decides what a failed or unanswered append really did. A retry
// after a lost acknowledgement can come back as a wrong last sequence rather
// than a duplicate, so the store first looks for its own first event just
// after the expected sequence: found, the append is already stored.
func (s *Store) resolve(ctx context.Context, p *pending, cause error) (events.Appended, error) {
	expected, checked := p.expect.Seq()
	if !checked {
		return s.republish(ctx, p, cause)
	}
	first, found, err := s.getMsg(ctx, map[string]any{"seq": expected + 1, "next_by_subj": p.agg.Filter()})
	if err != nil {
		return events.Appended{}, unavailable(err)
	}
	if found && first.eventID() == p.msgs[0].id {
		res := events.Appended{FirstSeq: first.Seq, LastSeq: first.Seq + uint64(len(p.msgs)) - 1, Duplicate: true}
		if len(p.msgs) > 1 {
			last, ok, err := s.getMsg(ctx, map[string]any{"seq": res.LastSeq})
			if err != nil {
				return events.Appended{}, unavailable(err)
			}
			if !ok || last.eventID() != p.msgs[len(p.msgs)-1].id {
				return events.Appended{}, fmt.Errorf("%w: %s: event %s is stored at seq %d but the rest of its append is not beside it", events.ErrInvalid, p.agg, p.msgs[0].id, first.Seq)
			}
		}
		return res, nil
	}
	var apiErr *apiError
	if !found && errors.As(cause, &apiErr) && apiErr.duplicate() {
		return events.Appended{}, fmt.Errorf("%w: %s: an event id of this append is already stored in another append", events.ErrInvalid, p.agg)
	}
	if !found && !(errors.As(cause, &apiErr) && apiErr.conflict()) {
		// Nothing of ours is stored and nothing else was: the try failed
		// before the server checked it.
		return events.Appended{}, unavailable(cause)
	}
	actual, err := s.lastSeqOf(ctx, p.agg)
	if err != nil {
		return events.Appended{}, unavailable(err)
	}
	return events.Appended{}, &events.ConflictError{Aggregate: p.agg, Expected: p.expect, Actual: actual}
}

// republish settles an unconditional append whose batch was refused as a
// duplicate or went unanswered. Unanswered, the batch is sent again whole,
// so the append stays all or nothing: if the first try was stored, the
// server refuses the second as a duplicate. Refused as a duplicate, each
// event is published on its own, and the server's duplicate window answers
// with the stored sequence of each; the first try was atomic, so either all
// are found or none.
func (s *Store) republish(ctx context.Context, p *pending, cause error) (events.Appended, error) {
	var apiErr *apiError
	if errors.Is(cause, errNoAnswer) && len(p.msgs) > 1 {
		ack, err := s.publishBatch(ctx, p.messages())
		if err == nil {
			n := uint64(len(p.msgs))
			return events.Appended{FirstSeq: ack.Seq - n + 1, LastSeq: ack.Seq}, nil
		}
		if !(errors.As(err, &apiErr) && apiErr.duplicate()) {
			return events.Appended{}, unavailable(err)
		}
		cause = err
	}
	if len(p.msgs) == 1 && !errors.Is(cause, errNoAnswer) && !(errors.As(cause, &apiErr) && apiErr.duplicate()) {
		return events.Appended{}, unavailable(cause)
	}
	res := events.Appended{Duplicate: true}
	for i, m := range p.messages() {
		ack, err := s.request(ctx, m)
		if err != nil {
			return events.Appended{}, unavailable(err)
		}
		if i == 0 {
			res.FirstSeq = ack.Seq
		}
		res.LastSeq = ack.Seq
		res.Duplicate = res.Duplicate && ack.Duplicate
	}
	return res, nil
}

func unavailable(err error) error {
	return fmt.Errorf("%w: %v", events.ErrUnavailable, err)
}
