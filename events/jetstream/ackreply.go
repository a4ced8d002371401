package jetstream

import (
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// stampOf answers a consumed message's stream sequence and stored time.
// They are in its reply subject, which msg.Metadata parses into an answer
// it allocates; a replay takes every record through here, so the two
// numbers are read from the subject in place, and Metadata is asked only
// when the subject is not of a form known here.
//
// The subject is $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.
// <consumer seq>.<time>.<pending> (9 tokens), or, from newer servers, with
// <domain>.<account hash> after $JS.ACK and possibly a token at the end
// (11 or 12).
func stampOf(msg jetstream.Msg) (uint64, time.Time, error) {
	if seq, at, ok := parseAckReply(msg.Reply()); ok {
		return seq, at, nil
	}
	meta, err := msg.Metadata()
	if err != nil {
		return 0, time.Time{}, err
	}
	return meta.Sequence.Stream, meta.Timestamp, nil
}

// parseAckReply reads the stream sequence and the stored time of an
// acknowledgement subject; ok is false when it is not one.
func parseAckReply(reply string) (seq uint64, at time.Time, ok bool) {
	rest, found := strings.CutPrefix(reply, "$JS.ACK.")
	if !found {
		return 0, time.Time{}, false
	}
	skip := 3 // stream, consumer, delivered
	switch strings.Count(rest, ".") + 3 {
	case 9:
	case 11, 12:
		skip = 5 // domain and account hash first
	default:
		return 0, time.Time{}, false
	}
	for range skip {
		_, rest, _ = strings.Cut(rest, ".")
	}
	seqText, rest, _ := strings.Cut(rest, ".")
	_, rest, _ = strings.Cut(rest, ".") // the consumer's sequence
	nanosText, _, _ := strings.Cut(rest, ".")
	seq, err1 := strconv.ParseUint(seqText, 10, 64)
	nanos, err2 := strconv.ParseInt(nanosText, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, time.Time{}, false
	}
	return seq, time.Unix(0, nanos), true
}
