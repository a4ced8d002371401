package events

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
)

// Digest is the running digest of the log up to Seq: each event's stored
// bytes chained onto the digest before it, in stream order. Two logs with the
// same digest at a sequence hold the same events up to it, byte for byte, on
// the same subjects; a digest taken once and kept elsewhere proves later that
// nothing before it changed.
type Digest struct {
	Seq uint64
	Sum [sha256.Size]byte
}

// Next is the digest after rec: SHA-256 of the previous sum, the record's
// sequence (8 bytes, big-endian), its subject, a zero byte, and its bytes.
func (d Digest) Next(rec Record) Digest {
	c := chainers.Get().(*chainer)
	defer chainers.Put(c)
	c.h.Reset()
	c.head = append(append(binary.BigEndian.AppendUint64(append(c.head[:0], d.Sum[:]...), rec.Seq), rec.Subject...), 0)
	c.h.Write(c.head)
	c.h.Write(rec.Raw)
	next := Digest{Seq: rec.Seq}
	copy(next.Sum[:], c.h.Sum(c.sum[:0])) // summing into next would move it to the heap
	return next
}

// chainer is what Next hashes with, kept for the next record: every
// replay chains every record, and a hash and its input made afresh for
// each were a good part of what a replay allocated.
type chainer struct {
	h    hash.Hash
	head []byte // the previous sum, the sequence, the subject and a zero byte
	sum  [sha256.Size]byte
}

var chainers = sync.Pool{New: func() any { return &chainer{h: sha256.New()} }}

// Hex is the sum in lower-case hex.
func (d Digest) Hex() string { return hex.EncodeToString(d.Sum[:]) }

// String is SEQ:HEX, the form verify takes.
func (d Digest) String() string { return strconv.FormatUint(d.Seq, 10) + ":" + d.Hex() }

// ParseDigest reads SEQ:HEX.
func ParseDigest(s string) (Digest, error) {
	seqText, hexText, ok := strings.Cut(s, ":")
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if !ok || err != nil || seq == 0 {
		return Digest{}, fmt.Errorf("digest %q is not SEQ:HEX with SEQ a stream sequence from 1", s)
	}
	raw, err := hex.DecodeString(hexText)
	if err != nil || len(raw) != sha256.Size {
		return Digest{}, fmt.Errorf("digest %q: HEX must be %d bytes in hex", s, sha256.Size)
	}
	d := Digest{Seq: seq}
	copy(d.Sum[:], raw)
	return d, nil
}
