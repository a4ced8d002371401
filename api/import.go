package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// ndjson is the media type of the feedback import: one JSON object a line.
const ndjson = "application/x-ndjson"

// Limits of the import.
const (
	maxImportLine   = 64 << 10 // bytes in one line; a comment is at most 4000 characters
	maxImportErrors = 1000     // errors listed; the rest are counted
	importBlock     = 500      // lines checked against the state under one lock
	importWorkers   = 4        // appends under way at once, for the store to gather
	// importFlush is how many lines are checked before every touchpoint's
	// waiting lines go to the log, full append or not: the log and the
	// projector then work on the first lines while the next are read,
	// rather than all at the body's end.
	importFlush = 2000
)

// ImportResult is the answer of an import: every line that was not blank is
// received, and then either logged or rejected.
type ImportResult struct {
	Received int         `json:"received"`
	Logged   int         `json:"logged"`
	Rejected int         `json:"rejected"`
	Errors   []LineError `json:"errors"`
	// ErrorsOmitted counts the errors past the first 1000, which are not listed.
	ErrorsOmitted int `json:"errors_omitted,omitempty"`
}

// LineError is what is wrong with one line of an import (1 is the first
// line); a line with several bad fields has one error for each.
type LineError struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// importLine is a good line on its way to the log.
type importLine struct {
	n   int
	cmd events.LogFeedback
}

// feedbackImport is one import under way. Lines are checked one by one as
// they are read; the good ones wait per touchpoint until a full append's
// worth (events.MaxFeedbackBatch) is there, or the body ends, and go to the
// log through a few workers at once, so that the store gathers them into
// atomic batches while the next lines are read.
type feedbackImport struct {
	s    *Server
	ctx  context.Context
	meta events.Meta
	// keyed is the import's Idempotency-Key, nil without one: its lines'
	// feedback ids and event ids derive from it and their line numbers.
	keyed   *keyed
	pending map[string][]importLine
	// unsent counts the lines checked since pending was last flushed.
	unsent  int
	work    chan []importLine
	workers sync.WaitGroup

	mu      sync.Mutex
	res     ImportResult
	errs    []LineError
	bad     map[int]bool
	lastSeq uint64
}

func (s *Server) importFeedback(c echo.Context) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != ndjson {
			return &Problem{Status: http.StatusUnsupportedMediaType, Title: "Unsupported media type", Detail: "send the items as " + ndjson + ", one JSON object a line"}
		}
	}
	caller, k := callerOf(c), keyedOf(c)
	// A keyed import's first answer (counts and per-line errors) is kept
	// and answered again by the idempotency middleware, on every replica.
	// One the log holds but whose answer is not kept (it was never stored,
	// or its lifetime passed) cannot be told again, since the lines
	// rejected are in no event: it is refused rather than logged twice.
	if k != nil && k.done != nil {
		return &Problem{Status: http.StatusConflict, Title: "Already imported",
			Detail: "an import with this Idempotency-Key was logged up to seq " + formatSeq(k.done.Seq) + "; nothing was logged again, and its answer is no longer held"}
	}
	body := io.Reader(req.Body)
	if req.ContentLength < 0 {
		// Without a length, only the end tells whether the body is over
		// the limit: read it all first, so that an oversized import logs
		// nothing.
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	imp := &feedbackImport{s: s, ctx: req.Context(), pending: map[string][]importLine{}, work: make(chan []importLine, importWorkers), bad: map[int]bool{},
		keyed: k, meta: k.meta(events.Meta{Actor: caller.actor(), ActorToken: caller.TokenID, CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID)})}
	for range importWorkers {
		imp.workers.Go(imp.append)
	}
	readErr := imp.read(body)
	if readErr == nil {
		imp.flush()
	}
	close(imp.work)
	imp.workers.Wait()
	if readErr != nil {
		return readErr
	}
	if imp.lastSeq > 0 {
		// The lines are logged, so the answer tells them even when the
		// request's time has run out, or the read models are slow: a 503
		// would invite sending them again. X-Event-Seq lets the client
		// read them with X-Min-Seq.
		if err := s.waitFor(context.WithoutCancel(imp.ctx), imp.lastSeq); err != nil {
			s.Logger.Warn("an import's lines are logged, but the read models have not applied them yet", "seq", imp.lastSeq, "err", err)
		}
		c.Response().Header().Set(HeaderEventSeq, formatSeq(imp.lastSeq))
	}
	return ok(c, imp.result())
}

// read checks each line of the body and sends the good ones on.
func (imp *feedbackImport) read(body io.Reader) error {
	r := bufio.NewReaderSize(body, maxImportLine)
	block := make([]importLine, 0, importBlock)
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = r.ReadSlice('\n')
			}
			line = nil
			imp.res.Received++
			imp.reject(n, LineError{Message: "is longer than 64 KiB"})
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			imp.res.Received++
			if cmd, errs := parseImportLine(line); len(errs) > 0 {
				imp.reject(n, errs...)
			} else if block = append(block, importLine{n, imp.withID(n, cmd)}); len(block) == importBlock {
				imp.check(block)
				block = block[:0]
			}
		}
		if errors.Is(err, io.EOF) {
			imp.check(block)
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// withID gives a keyed import's line n the feedback id derived from the
// key, so that every copy of the import logs the same items.
func (imp *feedbackImport) withID(n int, cmd events.LogFeedback) events.LogFeedback {
	if imp.keyed != nil {
		cmd.FeedbackID = imp.keyed.derivedID("entity", n)
	}
	return cmd
}

// check decides each line of block against the current state, the rules
// that log it would apply, and queues the good ones by touchpoint.
func (imp *feedbackImport) check(block []importLine) {
	var rejected []error
	now := imp.s.Engine.Now()
	imp.s.Engine.View(func(st *events.State) {
		rejected = make([]error, len(block))
		for i, l := range block {
			if _, rejected[i] = l.cmd.Decide(st); rejected[i] == nil {
				// The Engine would refuse the line's whole append for it.
				rejected[i] = events.CheckNotFuture(events.FieldOccurredAt, l.cmd.OccurredAt, now)
			}
		}
	})
	for i, l := range block {
		if rejected[i] != nil {
			imp.reject(l.n, lineErrors(rejected[i])...)
			continue
		}
		tp := l.cmd.TouchpointID
		imp.pending[tp] = append(imp.pending[tp], l)
		if len(imp.pending[tp]) == events.MaxFeedbackBatch {
			imp.work <- imp.pending[tp]
			delete(imp.pending, tp)
		}
	}
	imp.unsent += len(block)
	if imp.unsent >= importFlush {
		imp.flush()
	}
}

// flush sends every touchpoint's waiting lines to the log.
func (imp *feedbackImport) flush() {
	for tp, lines := range imp.pending {
		imp.work <- lines
		delete(imp.pending, tp)
	}
	imp.unsent = 0
}

// append logs groups of lines, one append each, until there are no more.
//
// Each line's answer says what the log did with it. A group is not sent
// once the request's time has run out; one sent is followed to its outcome
// whatever the request's time (the store bounds the wait with its own
// timeouts, and settles a lost answer), so a line is never answered "not
// logged" while its append may still land. The appends do not wait for the
// State to apply them (events.Stored): the import waits once, at its end.
func (imp *feedbackImport) append() {
	for lines := range imp.work {
		if imp.ctx.Err() != nil {
			imp.rejectAll(lines, msgNotSent)
			continue
		}
		batch := events.LogFeedbackBatch{TouchpointID: lines[0].cmd.TouchpointID, Items: make([]events.LogFeedback, len(lines))}
		for i, l := range lines {
			batch.Items[i] = l.cmd
		}
		meta := imp.meta
		if imp.keyed != nil {
			meta.EventID = func(i int) string { return imp.keyed.eventID(lines[i].n) }
		}
		res, err := imp.s.Engine.Execute(context.WithoutCancel(imp.ctx), batch, meta, events.Stored())
		if err != nil {
			imp.s.Logger.Warn("an import's append failed", "touchpoint", batch.TouchpointID, "lines", len(lines), "err", err)
			imp.rejectAll(lines, appendFailed(err))
			continue
		}
		imp.mu.Lock()
		imp.res.Logged += len(lines)
		imp.lastSeq = max(imp.lastSeq, res.Appended.LastSeq)
		imp.mu.Unlock()
	}
}

// What a line whose append failed is answered.
const (
	msgNotSent = "not logged: the request's time ran out before this line was sent; send it again"
	msgUnknown = "not known whether logged: the event log did not answer in time; look for this line's item before sending it again"
	msgFailed  = "not logged: the event log did not take it; send this line again"
)

// appendFailed is what a line is told when its append failed with err.
func appendFailed(err error) string {
	if errors.Is(err, events.ErrUnavailable) {
		return msgUnknown
	}
	if p, internal := problemOf(err); !internal {
		return "not logged: " + p.Detail
	}
	return msgFailed
}

// rejectAll rejects every line of a group with the one message.
func (imp *feedbackImport) rejectAll(lines []importLine, msg string) {
	for _, l := range lines {
		imp.reject(l.n, LineError{Message: msg})
	}
}

func formatSeq(seq uint64) string { return strconv.FormatUint(seq, 10) }

func (imp *feedbackImport) reject(n int, errs ...LineError) {
	imp.mu.Lock()
	defer imp.mu.Unlock()
	if !imp.bad[n] {
		imp.bad[n] = true
		imp.res.Rejected++
	}
	for _, e := range errs {
		e.Line = n
		imp.errs = append(imp.errs, e)
	}
}

// result is the answer, errors in line order.
func (imp *feedbackImport) result() ImportResult {
	imp.mu.Lock()
	defer imp.mu.Unlock()
	out := imp.res
	sort.SliceStable(imp.errs, func(i, j int) bool { return imp.errs[i].Line < imp.errs[j].Line })
	out.Errors = imp.errs[:min(len(imp.errs), maxImportErrors)]
	out.ErrorsOmitted = len(imp.errs) - len(out.Errors)
	if out.Errors == nil {
		out.Errors = []LineError{}
	}
	return out
}
