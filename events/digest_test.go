package events

import (
	"crypto/sha256"
	"slices"
	"testing"
)

func TestDigestChainsEveryByteSequenceAndSubject(t *testing.T) {
	a := Record{Seq: 1, Subject: "cx.crew.A.crew_formed", Raw: []byte(`{"id":"1"}`)}
	b := Record{Seq: 2, Subject: "cx.crew.A.member_joined", Raw: []byte(`{"id":"2"}`)}
	base := Digest{}.Next(a).Next(b)
	if base.Seq != 2 || base.Hex() == (Digest{}).Hex() {
		t.Fatalf("digest %s", base)
	}
	for name, changed := range map[string]Digest{
		"a byte":    Digest{}.Next(Record{Seq: 1, Subject: a.Subject, Raw: []byte(`{"id":"X"}`)}).Next(b),
		"a subject": Digest{}.Next(Record{Seq: 1, Subject: "cx.crew.B.crew_formed", Raw: a.Raw}).Next(b),
		"the order": Digest{}.Next(Record{Seq: 1, Subject: b.Subject, Raw: b.Raw}).Next(Record{Seq: 2, Subject: a.Subject, Raw: a.Raw}),
	} {
		if changed.Sum == base.Sum {
			t.Errorf("changing %s left the digest as it was", name)
		}
	}
	again, err := ParseDigest(base.String())
	if err != nil || again != base {
		t.Fatalf("ParseDigest(%s) = %v, %v", base, again, err)
	}
	for _, bad := range []string{"", "2", "x:00", "0:" + base.Hex(), "2:abc", "2:" + base.Hex() + "00"} {
		if _, err := ParseDigest(bad); err == nil {
			t.Errorf("ParseDigest(%q) accepted it", bad)
		}
	}
}

// The digest after a record is SHA-256 of the sum before it, the record's
// sequence (8 bytes, big-endian), its subject, a zero byte and its bytes,
// as documented, however Next goes about hashing them.
func TestTheDigestIsTheDocumentedHash(t *testing.T) {
	prev := Digest{Seq: 6, Sum: sha256.Sum256([]byte("before"))}
	rec := Record{Seq: 7, Subject: "cx.crew.01J.crew_formed", Raw: []byte(`{"specversion":"1.0"}`)}
	want := sha256.Sum256(slices.Concat(prev.Sum[:], []byte{0, 0, 0, 0, 0, 0, 0, 7}, []byte(rec.Subject), []byte{0}, rec.Raw))
	for range 3 { // the hash Next keeps must start afresh each time
		if got := prev.Next(rec); got.Seq != 7 || got.Sum != want {
			t.Fatalf("Next = %d:%x, want 7:%x", got.Seq, got.Sum, want)
		}
	}
}
