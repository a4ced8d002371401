package jetstream

import (
	"testing"
	"time"
)

func TestParseAckReply(t *testing.T) {
	at := time.Unix(0, 1764780000123456789)
	for _, c := range []struct {
		reply string
		seq   uint64
		ok    bool
	}{
		{"$JS.ACK.CX.c1.1.42.7.1764780000123456789.3", 42, true},
		{"$JS.ACK._.hash.CX.c1.1.43.7.1764780000123456789.3.tok", 43, true},
		{"$JS.ACK._.hash.CX.c1.1.44.7.1764780000123456789.3", 44, true},
		{"$JS.ACK.CX.c1.1.x.7.1764780000123456789.3", 0, false},
		{"$JS.ACK.CX.c1.1.42.7.1764780000123456789", 0, false},
		{"_INBOX.abc", 0, false},
		{"", 0, false},
	} {
		seq, got, ok := parseAckReply(c.reply)
		if ok != c.ok || seq != c.seq || (ok && !got.Equal(at)) {
			t.Errorf("parseAckReply(%q) = %d, %s, %v; want %d, %s, %v", c.reply, seq, got, ok, c.seq, at, c.ok)
		}
	}
}
