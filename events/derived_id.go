package events

import (
	"crypto/sha256"

	"github.com/oklog/ulid/v2"
)

// DerivedID is an id made from purpose and parts rather than drawn at
// random: every process that derives it from the same facts gets the same
// id, so an event written under it by two of them is stored once (the
// log's duplicate window refuses the second copy, its Nats-Msg-Id being
// the event id). It is a valid ULID, its 128 bits taken from SHA-256, so
// as unique as a random one; its time field tells nothing.
func DerivedID(purpose string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte("cxtracker derived id\x00" + purpose))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	var id ulid.ULID
	copy(id[:], h.Sum(nil))
	return id.String()
}
