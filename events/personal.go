package events

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Personal data in events (a person's name and e-mail, a feedback comment)
// is stored sealed: each such field's value is encrypted with the key of
// its data subject (AES-256-GCM), and the keys are kept outside the log,
// where erasing a subject's key makes every copy of the fields in the log
// unreadable while the log's bytes, and so its digest, stay as they were
// (crypto-shredding). This file is the one place that knows which fields
// of which event types are personal, whose they are, and what a sealed
// field looks like; events/EVENTS.md says it to subscribers.

// Erased is what a personal field reads once its subject's key is erased.
const Erased = "[erased]"

// ErasedFlag is the data field a reader adds, listing the personal fields
// of the event that read as Erased. The log never stores it.
const ErasedFlag = "erased_fields"

// sealedPrefix starts every sealed value. A sealed value is the JSON string
// "cxsealed:v1:<subject>:<base64url of the 12-byte nonce and the
// ciphertext>", the GCM tag at the ciphertext's end; the event's id and
// the subject are the additional data, so a value moved into another event
// does not open.
const sealedPrefix = "cxsealed:v1:"

// Keys holds one AES-256-GCM key per data subject, outside the log.
type Keys interface {
	// Sealing is the AEAD of subject, its key made and kept on first use.
	// A subject that was erased has none: ErrErasedSubject.
	Sealing(subject string) (cipher.AEAD, error)
	// Opening is the AEAD of subject, nil with no error when its key has
	// been erased.
	Opening(subject string) (cipher.AEAD, error)
}

// RecordOpener is a store that seals personal data: it opens the sealed
// fields of a record that was read from its stored bytes (Record.Raw)
// outside the store's readers, as they open every record they give.
type RecordOpener interface {
	// OpenRecord opens rec's sealed fields in rec.Event, as Open does.
	//
	// Errors: the keys' own (the key store did not answer).
	OpenRecord(rec *Record) error
}

// ErrErasedSubject refuses to seal personal data of an erased subject.
var ErrErasedSubject = errors.New("the data subject was erased")

// personalFields are the personal fields of one event type and whose they
// are: subject names the subject from the event and its data's members.
type personalFields struct {
	fields  []string
	subject func(ev Event, data members) (string, error)
}

// personal lists, for each event type that carries personal data, its
// personal fields and their data subject.
var personal = map[string]personalFields{
	Type(KindPerson, EventPersonRegistered):     {[]string{"name", "email"}, personSubjectOf},
	Type(KindPerson, EventPersonDetailsChanged): {[]string{"name", "email"}, personSubjectOf},
	Type(KindAccount, EventAccountOpened):       {[]string{"contact"}, accountSubjectOf},
	Type(KindAccount, EventAccountChanged):      {[]string{"contact"}, accountSubjectOf},
	Type(KindFeedback, EventFeedbackLogged):     {[]string{"comment"}, commentSubjectOf},
}

// erasures are the event types that say a subject's key was erased, and
// whose it was, from the event's subject.
var erasures = map[string]func(id string) string{
	Type(KindPerson, EventPersonErased):   PersonSubject,
	Type(KindAccount, EventAccountErased): AccountSubject,
}

// PersonalFields lists the personal fields of event type t, none for a
// type that carries no personal data.
func PersonalFields(t string) []string { return personal[t].fields }

// PersonSubject is the data subject of a person's own fields.
func PersonSubject(personID string) string { return "person." + personID }

// AccountSubject is the data subject of an account's contact and of the
// comments of feedback that names the account.
func AccountSubject(accountID string) string { return "account." + accountID }

// CommentsSubject is the data subject of the comments, on feedback that
// names no account, given in the calendar month (UTC) of t: such a comment
// names nobody the tracker knows, so no one's erasure reaches it, and a
// key per month lets a retention rule erase a month of comments at once,
// while an import seals thousands of comments under one cached key.
func CommentsSubject(t time.Time) string { return "comments." + t.UTC().Format("2006-01") }

func personSubjectOf(_ Event, data members) (string, error) {
	var id string
	if err := json.Unmarshal(data.get("person_id"), &id); err != nil || id == "" {
		return "", fmt.Errorf("no person_id to seal the personal fields under")
	}
	return PersonSubject(id), nil
}

func accountSubjectOf(_ Event, data members) (string, error) {
	var id string
	if err := json.Unmarshal(data.get("account_id"), &id); err != nil || id == "" {
		return "", fmt.Errorf("no account_id to seal the personal fields under")
	}
	return AccountSubject(id), nil
}

func commentSubjectOf(ev Event, data members) (string, error) {
	var account string
	if raw := data.get("account_id"); raw != nil {
		_ = json.Unmarshal(raw, &account)
	}
	if account != "" {
		return AccountSubject(account), nil
	}
	at := ev.Time
	if raw := data.get("occurred_at"); raw != nil {
		var t time.Time
		if json.Unmarshal(raw, &t) == nil && !t.IsZero() {
			at = t
		}
	}
	return CommentsSubject(at), nil
}

// Seal returns ev with its personal fields sealed under their subject's
// key; an event with none, or whose personal fields are empty, comes back
// as it is. Only the personal values' bytes are rewritten: the data is
// scanned once for its members (members.go), not decoded and encoded
// again, so every other byte stays as the event was encoded.
//
// Errors: ErrInvalid (data that is not an object), ErrErasedSubject, and
// the keys' own errors.
func Seal(ev Event, keys Keys) (Event, error) {
	pf, ok := personal[ev.Type]
	if !ok || keys == nil {
		return ev, nil
	}
	data, ok := membersOf(ev.Data)
	if !ok {
		return ev, fmt.Errorf("%w: %s data is not an object", ErrInvalid, ev.Type)
	}
	var aead cipher.AEAD
	var subject string
	var out []byte
	done := 0 // ev.Data up to done is in out
	for _, m := range data.sorted(pf.fields) {
		plain, ok := stringValue(m.raw)
		if !ok || plain == "" || strings.HasPrefix(plain, sealedPrefix) {
			continue
		}
		if aead == nil {
			var err error
			if subject, err = pf.subject(ev, data); err != nil {
				return ev, fmt.Errorf("%w: %s: %v", ErrInvalid, ev.Type, err)
			}
			if aead, err = keys.Sealing(subject); err != nil {
				return ev, err
			}
			out = make([]byte, 0, len(ev.Data)+len(pf.fields)*(len(sealedPrefix)+len(subject)+48))
		}
		var err error
		out = append(out, ev.Data[done:m.start]...)
		if out, err = appendSealed(out, aead, ev.ID, subject, plain); err != nil {
			return ev, err
		}
		done = m.end
	}
	if out == nil {
		return ev, nil
	}
	ev.Data = append(out, ev.Data[done:]...)
	return ev, nil
}

// appendSealed appends to out plain sealed under subject's aead, as the
// JSON string a sealed value is.
func appendSealed(out []byte, aead cipher.AEAD, eventID, subject, plain string) ([]byte, error) {
	var buf [64]byte
	nonce := buf[:aead.NonceSize()]
	if _, err := rand.Read(nonce); err != nil {
		return out, err
	}
	sealed := aead.Seal(nonce, nonce, []byte(plain), additional(eventID, subject))
	token := len(out)
	out = append(out, '"')
	out = append(out, sealedPrefix...)
	out = append(out, subject...)
	out = append(out, ':')
	out = base64.RawURLEncoding.AppendEncode(out, sealed)
	out = append(out, '"')
	if !isPlainJSONString(out[token:]) {
		// A subject that would need escaping (ids never do): encode it.
		q, err := json.Marshal(string(out[token+1 : len(out)-1]))
		if err != nil {
			return out, err
		}
		out = append(out[:token], q...)
	}
	return out, nil
}

func additional(eventID, subject string) []byte { return []byte(eventID + "\x00" + subject) }

// Open returns ev with its sealed fields opened; a field whose key was
// erased, or that does not open with it, reads Erased, and the data then
// lists such fields under ErasedFlag. Data that holds no sealed value is
// returned as it is, without being parsed.
//
// Errors: the keys' own (the key store did not answer).
func Open(ev Event, keys Keys) (Event, error) {
	if keys == nil || !bytes.Contains(ev.Data, []byte(sealedPrefix)) {
		return ev, nil
	}
	src := ev.Data
	out := make([]byte, 0, len(src))
	var erased []string
	for {
		i := bytes.Index(src, []byte(`"`+sealedPrefix))
		if i < 0 {
			break
		}
		end := bytes.IndexByte(src[i+1:], '"')
		if end < 0 {
			break
		}
		plain, ok, err := openToken(ev.ID, src[i+1:i+1+end], keys)
		if err != nil {
			return ev, err
		}
		out = append(out, src[:i]...)
		if !ok {
			erased = append(erased, keyBefore(src[:i]))
			plain = []byte(Erased)
		}
		out = appendJSONString(out, plain)
		src = src[i+1+end+1:]
	}
	out = append(out, src...)
	if len(erased) > 0 {
		if j := bytes.LastIndexByte(out, '}'); j > 0 {
			flag, _ := json.Marshal(erased)
			sep := ","
			if bytes.HasSuffix(bytes.TrimSpace(out[:j]), []byte("{")) {
				sep = ""
			}
			out = append(out[:j:j], append([]byte(sep+`"`+ErasedFlag+`":`), append(flag, out[j:]...)...)...)
		}
	}
	ev.Data = out
	return ev, nil
}

// openToken opens one sealed value; ok is false when it cannot be read:
// its key is erased, or it is not a value sealed for this event. Every
// replay opens every sealed field, so the value is decoded and opened in
// one buffer of its own, which the answer is.
func openToken(eventID string, token []byte, keys Keys) ([]byte, bool, error) {
	rest := bytes.TrimPrefix(token, []byte(sealedPrefix))
	subject, b64, found := bytes.Cut(rest, []byte(":"))
	if !found {
		return nil, false, nil
	}
	sealed := make([]byte, base64.RawURLEncoding.DecodedLen(len(b64)))
	n, err := base64.RawURLEncoding.Decode(sealed, b64)
	if err != nil {
		return nil, false, nil
	}
	sealed = sealed[:n]
	aead, err := keys.Opening(string(subject))
	if err != nil || aead == nil || len(sealed) < aead.NonceSize() {
		return nil, false, err
	}
	ad := append(append(append(make([]byte, 0, len(eventID)+1+len(subject)), eventID...), 0), subject...)
	nonce, box := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	plain, err := aead.Open(box[:0], nonce, box, ad)
	if err != nil {
		return nil, false, nil
	}
	return plain, true, nil
}

// keyBefore is the object key whose value starts where b ends, "" when b
// does not end in `"key":`.
func keyBefore(b []byte) string {
	b = bytes.TrimRight(b, " \t\r\n")
	if !bytes.HasSuffix(b, []byte(":")) {
		return ""
	}
	b = bytes.TrimRight(b[:len(b)-1], " \t\r\n")
	if !bytes.HasSuffix(b, []byte(`"`)) {
		return ""
	}
	start := bytes.LastIndexByte(b[:len(b)-1], '"')
	if start < 0 {
		return ""
	}
	return string(b[start+1 : len(b)-1])
}

// ErasedSubject is the data subject whose key an event says was erased,
// "" for any other event: a reader of the log forgets the key it holds.
func ErasedSubject(ev Event) string {
	subject, ok := erasures[ev.Type]
	if !ok {
		return ""
	}
	_, id, _ := strings.Cut(ev.Subject, "/")
	return subject(id)
}
