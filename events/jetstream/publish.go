package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"

	"cxtracker/events"
)

// Headers of JetStream publishing. nats.go does not wrap atomic batches
// (ADR-50), so their three headers are set here.
const (
	hdrMsgID           = "Nats-Msg-Id"
	hdrExpectedSubjSeq = "Nats-Expected-Last-Subject-Sequence"
	hdrExpectedSubject = "Nats-Expected-Last-Subject-Sequence-Subject"
	hdrBatchID         = "Nats-Batch-Id"
	hdrBatchSeq        = "Nats-Batch-Sequence"
	hdrBatchCommit     = "Nats-Batch-Commit"
	hdrContentType     = "Content-Type"
)

// JetStream API error codes the store acts on.
const (
	codeWrongLastSeq         = 10071 // the expected sequence does not hold
	codeWrongLastSeqConstant = 10164 // the same, as a replicated stream reports it
	codeDuplicateInProcess   = 10158 // a message id still being stored by another publish
	codeBatchDuplicate       = 10201 // an atomic batch holds an already-stored message id
	codeBatchTooManyInflight = 10210 // the stream has too many open atomic batches
	codeMessageTooLarge      = 10054 // a message above the stream's or server's limit
	codeHeaderTooLarge       = 10097 // headers above 64 KiB
	codeNoResources          = 10023 // the server has no room for the stream
	codeNoStorage            = 10047 // the account's storage is used up
)

// apiError is a JetStream API error as the server sends it.
type apiError struct {
	Code        int    `json:"code"`
	ErrCode     int    `json:"err_code"`
	Description string `json:"description"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s (%d)", e.Description, e.ErrCode)
}

// conflict reports whether the error says an expected sequence did not hold.
// A single server answers 10071; a replicated stream can answer 10164.
func (e *apiError) conflict() bool {
	return e.ErrCode == codeWrongLastSeq || e.ErrCode == codeWrongLastSeqConstant
}

// duplicate reports whether the error says an event id is already stored.
func (e *apiError) duplicate() bool { return e.ErrCode == codeBatchDuplicate }

// invalid reports whether the error is the append's own fault, so trying
// again cannot help.
func (e *apiError) invalid() bool {
	return e.ErrCode == codeMessageTooLarge || e.ErrCode == codeHeaderTooLarge
}

// outOfStorage reports whether the server has no room left to store.
func (e *apiError) outOfStorage() bool {
	return e.ErrCode == codeNoResources || e.ErrCode == codeNoStorage
}

// busy reports whether the server asks to come back shortly: too many
// batches open, or the same event id still being stored by an earlier try
// (on a replicated stream), whose outcome a moment will tell.
func (e *apiError) busy() bool {
	return e.ErrCode == codeBatchTooManyInflight || e.ErrCode == codeDuplicateInProcess
}

// pubAck is the server's answer to a publish or to an atomic batch's commit.
type pubAck struct {
	Stream    string    `json:"stream"`
	Seq       uint64    `json:"seq"`
	Duplicate bool      `json:"duplicate,omitempty"`
	Batch     string    `json:"batch,omitempty"`
	Count     int       `json:"count,omitempty"`
	Error     *apiError `json:"error,omitempty"`
}

// errNoAnswer marks a publish whose outcome is unknown: the request timed out
// or found no responder. The events may or may not be stored.
var errNoAnswer = errors.New("no answer from JetStream")

// outMsg is one encoded event ready to publish.
type outMsg struct {
	subject, id string
	data        []byte
}

// message builds the NATS message for m. The first event of a conditional
// append carries the expected sequence of the aggregate; the others need no
// check of their own, since the append is atomic.
func (m outMsg) message(checkSubject string, expect events.Expect, first bool) *nats.Msg {
	msg := &nats.Msg{Subject: m.subject, Data: m.data, Header: make(nats.Header, 5)}
	msg.Header[hdrMsgID] = []string{m.id}
	msg.Header[hdrContentType] = []string{events.ContentType}
	if seq, ok := expect.Seq(); ok && first {
		msg.Header[hdrExpectedSubjSeq] = []string{strconv.FormatUint(seq, 10)}
		msg.Header[hdrExpectedSubject] = []string{checkSubject}
	}
	return msg
}

// request publishes msg and waits for JetStream's answer.
func (s *Store) request(ctx context.Context, msg *nats.Msg) (pubAck, error) {
	if err := s.connected(); err != nil {
		return pubAck{}, err
	}
	if msg.Header.Get(hdrBatchID) == "" {
		if err := s.faults.before(); err != nil {
			return pubAck{}, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.publishTimeout)
	defer cancel()
	reply, err := s.nc.RequestMsgWithContext(ctx, msg)
	if err != nil {
		return pubAck{}, fmt.Errorf("%w: %v", errNoAnswer, err)
	}
	if err := s.faults.after(msg); err != nil {
		return pubAck{}, err
	}
	var ack pubAck
	if err := json.Unmarshal(reply.Data, &ack); err != nil {
		return pubAck{}, fmt.Errorf("%w: unreadable answer: %v", errNoAnswer, err)
	}
	if ack.Error != nil {
		return ack, ack.Error
	}
	return ack, nil
}

// connected fails fast while the connection is down, rather than letting
// every request wait out its timeout: the caller is told to come back.
func (s *Store) connected() error {
	if st := s.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("%w: connection to NATS is %s", errNoAnswer, st)
	}
	return nil
}

// publishBatch sends msgs as one JetStream atomic batch: every message carries
// the batch id and its place, the last one commits and is the only request.
// The server stores all of them or none.
func (s *Store) publishBatch(ctx context.Context, msgs []*nats.Msg) (pubAck, error) {
	if err := s.faults.before(); err != nil {
		return pubAck{}, err
	}
	id := nuid.Next()
	for i, m := range msgs {
		m.Header[hdrBatchID] = []string{id}
		m.Header[hdrBatchSeq] = []string{strconv.Itoa(i + 1)}
		if i == len(msgs)-1 {
			m.Header[hdrBatchCommit] = []string{"1"}
			return s.request(ctx, m)
		}
		if err := s.nc.PublishMsg(m); err != nil {
			return pubAck{}, fmt.Errorf("%w: %v", errNoAnswer, err)
		}
	}
	return pubAck{}, errors.New("empty batch")
}
