package jetstream

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// KeysBucket is the key-value bucket that holds one AES-256-GCM key per
// data subject (events/personal.go), keyed by subject. It lives beside the
// CX stream, not in it, so a key can be erased while the log stays as it
// is; its stream is "KV_" + KeysBucket, with the stream's replicas.
const KeysBucket = "CX_KEYS"

// erasedMark is the value left under an erased subject's key, so that no
// later write makes a fresh key for it.
var erasedMark = []byte("erased")

// keyTimeout bounds one look-up of a key in the bucket.
const keyTimeout = 10 * time.Second

// Keys are the data subjects' keys. It implements events.Keys for the
// store's appends and reads, keeping each key's AEAD once read.
type Keys struct {
	kv jetstream.KeyValue
	s  *Store
	mu sync.RWMutex
	// aeads are the keys read so far, by subject; a subject read erased is
	// kept with none (nil), so that a replay over its many sealed fields
	// asks the bucket once, not once a field: an erased key never returns.
	aeads map[string]cipher.AEAD
}

var _ events.Keys = (*Keys)(nil)

// Keys opens the key bucket, creating it (with the stream's replicas) on
// first use unless the store was opened read-only, and makes the store
// seal personal fields on append and open them on read with it.
//
// Errors: ErrUnavailable.
func (s *Store) Keys(ctx context.Context) (*Keys, error) {
	kv, err := s.erasableBucket(ctx, jetstream.KeyValueConfig{
		Bucket:      KeysBucket,
		Description: "one AES-256-GCM key per data subject; erasing one shreds that subject's personal data in CX",
	})
	if err != nil {
		return nil, err
	}
	k := &Keys{kv: kv, s: s, aeads: map[string]cipher.AEAD{}}
	s.keys.Store(k)
	return k, nil
}

// Sealing implements events.Keys: the subject's key, made on first use.
func (k *Keys) Sealing(subject string) (cipher.AEAD, error) {
	if a, ok := k.cached(subject); ok {
		if a == nil {
			return nil, fmt.Errorf("%w: %s", events.ErrErasedSubject, subject)
		}
		return a, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), keyTimeout)
	defer cancel()
	for range 3 {
		key, found, err := k.read(ctx, subject)
		if err != nil {
			return nil, err
		}
		if found {
			if key == nil {
				return nil, fmt.Errorf("%w: %s", events.ErrErasedSubject, subject)
			}
			return k.keep(subject, key)
		}
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, err
		}
		_, err = k.kv.Create(ctx, subject, fresh)
		if errors.Is(err, jetstream.ErrKeyExists) {
			continue // another writer made it first: read theirs
		}
		if err != nil {
			return nil, fmt.Errorf("%w: keep the key of %s: %v", events.ErrUnavailable, subject, err)
		}
		return k.keep(subject, fresh)
	}
	return nil, fmt.Errorf("%w: the key of %s keeps changing", events.ErrUnavailable, subject)
}

// Opening implements events.Keys: the subject's key, nil once erased.
func (k *Keys) Opening(subject string) (cipher.AEAD, error) {
	if a, ok := k.cached(subject); ok {
		return a, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), keyTimeout)
	defer cancel()
	key, found, err := k.read(ctx, subject)
	if err != nil {
		return nil, err
	}
	if key == nil {
		if found { // erased
			k.mu.Lock()
			defer k.mu.Unlock()
			k.aeads[subject] = nil
		}
		return nil, nil
	}
	return k.keep(subject, key)
}

// cached answers the AEAD kept for subject, nil for a subject read erased;
// ok is false when neither is known here.
func (k *Keys) cached(subject string) (a cipher.AEAD, ok bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	a, ok = k.aeads[subject]
	return a, ok
}

func (k *Keys) keep(subject string, key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: the key of %s: %v", events.ErrUnavailable, subject, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.aeads[subject] = aead
	return aead, nil
}

// Forget drops the key of subject this process holds, so that its next
// read asks the bucket.
func (k *Keys) Forget(subject string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.aeads, subject)
}

// read asks the bucket's leader for the key of subject (a replica may not
// have another tracker's latest write yet): found is false when none was
// ever kept, and the key nil when it was erased.
func (k *Keys) read(ctx context.Context, subject string) (key []byte, found bool, err error) {
	m, ok, err := k.s.getMsgOf(ctx, "KV_"+KeysBucket, map[string]any{"last_by_subj": "$KV." + KeysBucket + "." + subject})
	if err != nil {
		return nil, false, fmt.Errorf("%w: read the key of %s: %v", events.ErrUnavailable, subject, err)
	}
	if !ok || len(m.Data) == 0 { // none, or a delete marker
		return nil, false, nil
	}
	if len(m.Data) != 32 {
		return nil, true, nil
	}
	return m.Data, true, nil
}

// Erase erases the key of subject from disk: every stored revision of it
// is removed with the server's secure erase, which overwrites the message
// in its block with random bytes (not only a delete marker, which would
// leave the key readable in the block files), and the subject is marked
// erased so that no later write makes it a fresh key. The process's own
// copy is forgotten; other trackers forget theirs when their reader meets
// the erasure's event (events.ErasedSubject). Erasing an erased subject
// again does nothing more.
//
// Errors: ErrUnavailable.
func (k *Keys) Erase(ctx context.Context, subject string) error {
	k.Forget(subject)
	if err := k.s.secureErase(ctx, "KV_"+KeysBucket, "$KV."+KeysBucket+"."+subject, nil); err != nil {
		return err
	}
	if _, err := k.kv.Put(ctx, subject, erasedMark); err != nil {
		return fmt.Errorf("%w: mark %s erased: %v", events.ErrUnavailable, subject, err)
	}
	k.Forget(subject)
	return nil
}

// secureErase securely erases, in stream, every message on subject (a
// filter) whose data match says (every one when match is nil), overwriting
// each in place on the server's disk.
//
// Errors: ErrUnavailable.
func (s *Store) secureErase(ctx context.Context, stream, subject string, match func(data []byte) bool) error {
	st, err := s.js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("%w: stream %s: %v", events.ErrUnavailable, stream, err)
	}
	for seq := uint64(1); ; seq++ {
		m, err := st.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: read %s: %v", events.ErrUnavailable, stream, err)
		}
		seq = m.Sequence
		if match != nil && !match(m.Data) {
			continue
		}
		if err := st.SecureDeleteMsg(ctx, m.Sequence); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("%w: erase %s seq %d: %v", events.ErrUnavailable, stream, m.Sequence, err)
		}
	}
}
