package jetstream

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"cxtracker/events"
)

// A bounded read takes no consumer: it asks the stream for batches of
// stored messages (JetStream's batched direct get), so that no audit read
// ever waits on, or fails for want of, one of the stream's consumer slots,
// which outside readers may hold. A batch answer is up to batch messages,
// each with the headers below, then a message with status 204 (end of
// batch); a batch that finds nothing at its start is one message with
// status 404.
const (
	directGet        = "$JS.API.DIRECT.GET." + StreamName
	hdrStatus        = "Status"
	hdrDescription   = "Description"
	hdrSequence      = "Nats-Sequence"
	hdrSubject       = "Nats-Subject"
	hdrTimeStamp     = "Nats-Time-Stamp"
	hdrNumPending    = "Nats-Num-Pending"
	statusEndOfBatch = "204"
	statusNotFound   = "404"
)

// firstBatch is how many messages a read asks for first: a page of
// GET /v1/events or an aggregate's history needs few, so the server sends
// no more. Each further batch is twice the one before, up to readBuffer.
const firstBatch = 128

// batchBytes caps the bytes of one batch, well below what a subscription
// holds before it drops messages as a slow consumer.
const batchBytes = 4 << 20

// directRead is one bounded read.
type directRead struct {
	reading
	s     *Store
	whole bool
	// end is the stream's last sequence when a whole-stream read began, or
	// when any read began on a replicated stream; the read stops there.
	end uint64
	// pending is how many messages matched a filtered read when its first
	// batch was answered, counted by the server: a message damaged on disk
	// is counted but never sent. counted says it is known.
	pending uint64
	counted bool
	// anchored says the read has a sequence to follow: a read from a time
	// has none until its first message.
	anchored bool
	// replicated says a replica other than the leader may answer a batch,
	// and may not hold the latest writes yet: the leader settles each end.
	replicated bool
	sub        *nats.Subscription
	inbox      string
	asks       int
	batch      int
}

// Read implements events.Store. It delivers the events stored when the read
// began, in stream order. In a whole-stream read each sequence must follow
// the one before: the stream refuses deletes, so a gap is lost history. A
// plain read stops at a gap or an undecodable message; a tolerant one
// (Position.Tolerant) delivers each as a Record with Damage set and goes
// on. A filtered read checks only that sequences rise, and that every
// message the server counted for it was delivered.
func (s *Store) Read(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	if err := s.connected(); err != nil {
		return unavailable(err)
	}
	d := &directRead{
		reading:    reading{from: from, fn: fn, keys: s.subjectKeys()},
		s:          s,
		whole:      from.Subject == "",
		anchored:   from.Time.IsZero(),
		replicated: s.stream.CachedInfo().Config.Replicas > 1,
		batch:      firstBatch,
	}
	if from.Seq > 0 {
		d.prev = from.Seq - 1
	}
	if d.whole || d.replicated {
		end, err := s.LastSeq(ctx)
		if err != nil {
			return err
		}
		if end == 0 || d.prev >= end {
			return nil
		}
		d.end = end
	}
	// Replies come to an inbox under the tracker's own prefix, which no
	// outside user may read (listener.go); each batch has its own subject
	// under it, so that nothing of an earlier batch is taken for the next.
	d.inbox = s.nc.NewInbox()
	sub, err := s.nc.SubscribeSync(d.inbox + ".*")
	if err != nil {
		return unavailable(err)
	}
	d.sub = sub
	defer sub.Unsubscribe()
	stop := context.AfterFunc(ctx, func() { _ = sub.Unsubscribe() })
	defer stop()
	for {
		over, err := d.ask(ctx)
		if err != nil && ctx.Err() != nil {
			// The reader left: the subscription was closed under the wait.
			return ctx.Err()
		}
		if err != nil || over {
			return err
		}
	}
}

// ask requests the next batch and takes its answer. It answers whether the
// read is over.
func (d *directRead) ask(ctx context.Context) (bool, error) {
	req := map[string]any{"batch": d.batch, "max_bytes": batchBytes}
	d.batch = min(2*d.batch, readBuffer)
	if d.anchored {
		req["seq"] = d.prev + 1
	} else {
		req["start_time"] = d.from.Time
	}
	if !d.whole {
		req["next_by_subj"] = d.from.Subject
	}
	body, _ := json.Marshal(req)
	reply := d.inbox + "." + strconv.Itoa(d.asks)
	d.asks++
	if err := d.s.nc.PublishRequest(directGet, reply, body); err != nil {
		return false, unavailable(err)
	}
	for {
		msg, err := d.sub.NextMsg(d.s.opts.publishTimeout)
		if err != nil {
			return false, unavailable(fmt.Errorf("direct get: %w", err))
		}
		if msg.Subject != reply {
			continue
		}
		switch status := msg.Header.Get(hdrStatus); status {
		case "":
		case statusEndOfBatch:
			return d.endOfBatch(ctx, msg)
		case statusNotFound:
			return d.nothingFound(ctx)
		default:
			return false, unavailable(fmt.Errorf("direct get answered %s %s", status, msg.Header.Get(hdrDescription)))
		}
		seq, err := strconv.ParseUint(header(msg, hdrSequence), 10, 64)
		if err != nil {
			return false, unavailable(fmt.Errorf("direct get: message without a sequence: %v", err))
		}
		at, err := time.Parse(time.RFC3339Nano, header(msg, hdrTimeStamp))
		if err != nil {
			return false, unavailable(fmt.Errorf("direct get: seq %d without a time: %v", seq, err))
		}
		if !d.whole && !d.counted {
			np, err := strconv.ParseUint(header(msg, hdrNumPending), 10, 64)
			if err != nil {
				return false, unavailable(fmt.Errorf("direct get: seq %d without a count: %v", seq, err))
			}
			d.pending, d.counted = np+1, true
		}
		if over, err := d.take(ctx, seq, header(msg, hdrSubject), at, msg.Data); err != nil || over {
			return over, err
		}
	}
}

// header is the last value of a header: the server adds its own after those
// the message was stored with.
func header(msg *nats.Msg, key string) string {
	v := msg.Header.Values(key)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// take delivers the stored message at seq, after reporting or fetching each
// sequence the batch skipped, and answers whether the read is over.
func (d *directRead) take(ctx context.Context, seq uint64, subject string, at time.Time, data []byte) (bool, error) {
	if seq <= d.prev && d.prev > 0 {
		return false, &events.GapError{After: d.prev, Got: seq}
	}
	if d.whole {
		if d.anchored {
			// A sequence the batch skipped may be one the answering replica
			// has lost and the leader has not: the leader is asked for each.
			for missing := d.prev + 1; missing < seq && missing <= d.end; missing++ {
				if err := d.fromLeader(ctx, missing); err != nil {
					return false, err
				}
			}
		}
		if seq > d.end {
			return true, nil
		}
	} else if d.end > 0 && seq > d.end && d.n >= d.pending {
		return true, nil
	}
	d.anchored = true
	if err := d.stored(seq, subject, at, data); err != nil {
		return false, err
	}
	if d.whole {
		return d.prev >= d.end, nil
	}
	return d.counted && d.n >= d.pending && !d.replicated, nil
}

// fromLeader delivers the message at seq as the stream's leader has it, or
// reports seq missing when the leader cannot read it either.
func (d *directRead) fromLeader(ctx context.Context, seq uint64) error {
	m, found, err := d.s.getMsg(ctx, map[string]any{"seq": seq})
	if err != nil {
		return unavailable(err)
	}
	if !found {
		return d.damaged(seq, "", fmt.Errorf("%w: seq %d is within the log (which ends at %d) but cannot be read", events.ErrMissing, seq, d.end))
	}
	return d.stored(m.Seq, m.Subject, m.Time, m.Data)
}

// endOfBatch follows a batch's last message: the read goes on with the next
// batch, unless a filtered read's server has no more of its messages.
func (d *directRead) endOfBatch(ctx context.Context, eob *nats.Msg) (bool, error) {
	if d.whole {
		return false, nil
	}
	if np, err := strconv.ParseUint(header(eob, hdrNumPending), 10, 64); err == nil && np == 0 {
		return d.filteredOver(ctx)
	}
	return false, nil
}

// nothingFound follows a batch that found no message at its start.
func (d *directRead) nothingFound(ctx context.Context) (bool, error) {
	if !d.whole {
		return d.filteredOver(ctx)
	}
	if !d.anchored {
		// The answering replica has nothing at or after the time that it
		// can read; the leader settles it.
		m, found, err := d.s.getMsg(ctx, map[string]any{"start_time": d.from.Time, "next_by_subj": ">"})
		if err != nil {
			return false, unavailable(err)
		}
		if !found || m.Seq > d.end {
			return true, nil
		}
		return d.take(ctx, m.Seq, m.Subject, m.Time, m.Data)
	}
	if d.prev >= d.end {
		return true, nil
	}
	// The answering replica cannot read the next sequence, which is within
	// the log: the leader may, or else it is missing.
	if err := d.fromLeader(ctx, d.prev+1); err != nil {
		return false, err
	}
	return d.prev >= d.end, nil
}

// filteredOver settles a filtered read whose batches found no more of its
// messages. On a replicated stream the leader is asked for any written up
// to the read's end that the answering replica did not have yet. A read
// that got fewer messages than the server counted for it is short of some
// damaged on disk: a tolerant read is then over (it cannot say which
// sequences they were), a plain one fails with ErrMissing.
func (d *directRead) filteredOver(ctx context.Context) (bool, error) {
	for d.replicated {
		req := map[string]any{"next_by_subj": d.from.Subject}
		if d.anchored {
			req["seq"] = d.prev + 1
		} else {
			req["start_time"] = d.from.Time
		}
		m, found, err := d.s.getMsg(ctx, req)
		if err != nil {
			return false, unavailable(err)
		}
		if !found || m.Seq > d.end {
			break
		}
		d.anchored = true
		if err := d.stored(m.Seq, m.Subject, m.Time, m.Data); err != nil {
			return false, err
		}
	}
	if d.from.Tolerant {
		return true, nil
	}
	counted := d.pending
	if !d.counted {
		// No batch found a message to count with. From the start of the
		// log, the stream's count of the subjects says whether there were
		// some; from later on no count is to be had without a consumer.
		if d.from.Seq > 1 || !d.from.Time.IsZero() {
			return true, nil
		}
		n, err := d.s.countSubjects(ctx, d.from.Subject)
		if err != nil {
			return false, err
		}
		counted = n
	}
	if d.n >= counted {
		return true, nil
	}
	return false, fmt.Errorf("%w: %d of the %d messages on %s after seq %d cannot be read", events.ErrMissing, counted-d.n, counted, d.from.Subject, d.prev)
}

// countSubjects is how many messages the stream holds on subjects matching
// filter, as its leader counts them.
func (s *Store) countSubjects(ctx context.Context, filter string) (uint64, error) {
	body, _ := json.Marshal(map[string]any{"subjects_filter": filter})
	ctx, cancel := context.WithTimeout(ctx, s.opts.publishTimeout)
	defer cancel()
	reply, err := s.nc.RequestWithContext(ctx, "$JS.API.STREAM.INFO."+StreamName, body)
	if err != nil {
		return 0, unavailable(err)
	}
	var resp struct {
		State struct {
			Subjects map[string]uint64 `json:"subjects"`
		} `json:"state"`
		Error *apiError `json:"error"`
	}
	if err := json.Unmarshal(reply.Data, &resp); err != nil {
		return 0, unavailable(err)
	}
	if resp.Error != nil {
		return 0, unavailable(resp.Error)
	}
	var n uint64
	for _, c := range resp.State.Subjects {
		n += c
	}
	return n, nil
}
