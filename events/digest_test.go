package events

import (
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
