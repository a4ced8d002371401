package projections

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"cxtracker/events"
)

// CheckpointFormat is the version of the shape in which the write side's
// State and the read models save themselves. Bump it whenever any of them
// saves a different shape: a start then skips the checkpoints of other
// versions and replays the log instead, and verify says so.
const CheckpointFormat = 9

// Checkpointed is a read model (or the Engine) that saves itself into a
// checkpoint and loads itself from one. SaveCheckpoint writes the same bytes
// for the same state, so that a checkpoint can be compared byte for byte
// with a replay of the log (cxtracker verify); LoadCheckpoint is called on
// a fresh model, before the projector starts.
type Checkpointed interface {
	SaveCheckpoint(w io.Writer) error
	LoadCheckpoint(r io.Reader) error
}

// Names of the parts of a checkpoint that are not read models.
const (
	statePart      = "state"
	quarantinePart = "quarantine"
)

// CheckpointHeader says what a checkpoint holds: the point of the log it
// was taken at, which log, which code, and each part's size and SHA-256.
type CheckpointHeader struct {
	Format int    `json:"format"`
	Code   string `json:"code"`
	// Stream and StreamCreated name the log (jetstream.Identity): a log
	// made afresh under the same name has another creation time.
	Stream        string    `json:"stream"`
	StreamCreated time.Time `json:"stream_created"`
	Seq           uint64    `json:"seq"`
	// Digest is the log's digest at Seq, Before at Seq-1: a start checks
	// that the record at Seq chains one onto the other.
	Digest  string           `json:"digest"`
	Before  string           `json:"before"`
	Created time.Time        `json:"created"`
	Parts   []CheckpointPart `json:"parts"`
}

// CheckpointPart is one saved model (or the State, or the quarantine).
type CheckpointPart struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Checkpoint is the write side's State and every read model at one
// sequence of the log, serialised.
type Checkpoint struct {
	CheckpointHeader
	parts [][]byte
}

// checkpointMagic opens every checkpoint: it says what the bytes are to
// whoever finds them, and refuses anything else early.
const checkpointMagic = "cxtracker checkpoint\n"

// ErrCheckpointFormat says a checkpoint was saved in another shape than
// this version reads (CheckpointFormat).
var ErrCheckpointFormat = errors.New("checkpoint of another format")

// capture saves engine (when there is one), every model and the
// quarantine list, which must not change meanwhile, as a checkpoint at the
// digest at.
func capture(engine *events.Engine, models []Model, at, before events.Digest, q quarantine) (*Checkpoint, error) {
	c := &Checkpoint{CheckpointHeader: CheckpointHeader{Format: CheckpointFormat, Seq: at.Seq, Digest: at.Hex(), Before: before.Hex()}}
	add := func(name string, save func(io.Writer) error) error {
		var b bytes.Buffer
		if err := save(&b); err != nil {
			return fmt.Errorf("checkpoint %s: %w", name, err)
		}
		c.Parts = append(c.Parts, CheckpointPart{Name: name, Size: int64(b.Len())})
		c.parts = append(c.parts, b.Bytes())
		return nil
	}
	if engine != nil {
		if err := add(statePart, engine.SaveCheckpoint); err != nil {
			return nil, err
		}
	}
	for _, m := range models {
		cp, ok := m.(Checkpointed)
		if !ok {
			return nil, fmt.Errorf("read model %s cannot be checkpointed", m.Name())
		}
		if err := add(m.Name(), cp.SaveCheckpoint); err != nil {
			return nil, err
		}
	}
	if err := add(quarantinePart, q.save); err != nil {
		return nil, err
	}
	return c, nil
}

// seal sets each part's SHA-256, once capture has taken the parts: the
// projector need not be held meanwhile (a 10M-item state is 170 MB to
// hash).
func (c *Checkpoint) seal() *Checkpoint {
	for i, b := range c.parts {
		sum := sha256.Sum256(b)
		c.Parts[i].SHA256 = hex.EncodeToString(sum[:])
	}
	return c
}

// partNames are the parts a checkpoint of engine and models holds, in
// order.
func partNames(engine *events.Engine, models []Model) []string {
	var names []string
	if engine != nil {
		names = append(names, statePart)
	}
	for _, m := range models {
		names = append(names, m.Name())
	}
	return append(names, quarantinePart)
}

// restore loads the checkpoint into engine and models, fresh ones, and
// answers the quarantine list it holds.
func (c *Checkpoint) restore(engine *events.Engine, models []Model) (quarantine, error) {
	var q quarantine
	want := partNames(engine, models)
	if have := c.PartNames(); !slices.Equal(have, want) {
		return q, fmt.Errorf("the checkpoint holds %s; this tracker's parts are %s", strings.Join(have, ", "), strings.Join(want, ", "))
	}
	load := func(name string, cp Checkpointed, raw []byte) error {
		if err := cp.LoadCheckpoint(bytes.NewReader(raw)); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
		return nil
	}
	i := 0
	if engine != nil {
		if err := load(statePart, engine, c.parts[0]); err != nil {
			return q, err
		}
		i++
	}
	for _, m := range models {
		cp, ok := m.(Checkpointed)
		if !ok {
			return q, fmt.Errorf("read model %s cannot be checkpointed", m.Name())
		}
		if err := load(m.Name(), cp, c.parts[i]); err != nil {
			return q, err
		}
		i++
	}
	if err := q.load(c.parts[i]); err != nil {
		return q, fmt.Errorf("load %s: %w", quarantinePart, err)
	}
	return q, nil
}

// PartNames names the checkpoint's parts in order.
func (c *Checkpoint) PartNames() []string {
	names := make([]string, len(c.Parts))
	for i, p := range c.Parts {
		names[i] = p.Name
	}
	return names
}

// At is the log's digest at the checkpoint's sequence.
func (c *Checkpoint) At() (events.Digest, error) { return digestOf(c.Seq, c.Digest) }

// BeforeAt is the log's digest at the sequence before the checkpoint's.
func (c *Checkpoint) BeforeAt() (events.Digest, error) {
	if c.Seq == 0 {
		return events.Digest{}, errors.New("a checkpoint at sequence 0")
	}
	return digestOf(c.Seq-1, c.Before)
}

func digestOf(seq uint64, h string) (events.Digest, error) {
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) != sha256.Size {
		return events.Digest{}, fmt.Errorf("digest %q is not SHA-256 in hex", h)
	}
	d := events.Digest{Seq: seq}
	copy(d.Sum[:], raw)
	return d, nil
}

// Size is how many bytes WriteTo writes.
func (c *Checkpoint) Size() int64 {
	head, _ := json.Marshal(c.CheckpointHeader)
	n := int64(len(checkpointMagic) + 4 + len(head))
	for _, p := range c.Parts {
		n += p.Size
	}
	return n
}

// WriteTo writes the checkpoint: a line that says what it is, the header's
// length (4 bytes, big-endian) and the header in JSON, then each part.
func (c *Checkpoint) WriteTo(w io.Writer) (int64, error) {
	head, err := json.Marshal(c.CheckpointHeader)
	if err != nil {
		return 0, err
	}
	var n int64
	write := func(b []byte) error {
		k, err := w.Write(b)
		n += int64(k)
		return err
	}
	var size [4]byte
	binary.BigEndian.PutUint32(size[:], uint32(len(head)))
	if err := write(append([]byte(checkpointMagic), size[:]...)); err != nil {
		return n, err
	}
	if err := write(head); err != nil {
		return n, err
	}
	for _, p := range c.parts {
		if err := write(p); err != nil {
			return n, err
		}
	}
	return n, nil
}

// maxCheckpointHeader bounds the header a reader takes.
const maxCheckpointHeader = 1 << 20

// maxPartRoom is the most room readN makes for a part at once.
const maxPartRoom = 256 << 20

// ReadCheckpoint reads a checkpoint WriteTo wrote, checking each part's
// size and SHA-256.
//
// Errors: ErrCheckpointFormat (the header, readable, says another format),
// and a description of what does not read.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, len(checkpointMagic)+4)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic[:len(checkpointMagic)]) != checkpointMagic {
		return nil, errors.New("not a checkpoint: it does not begin as one")
	}
	size := binary.BigEndian.Uint32(magic[len(checkpointMagic):])
	if size > maxCheckpointHeader {
		return nil, fmt.Errorf("the checkpoint's header claims %d bytes", size)
	}
	head := make([]byte, size)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("the checkpoint's header is cut short: %w", err)
	}
	c := &Checkpoint{}
	if err := json.Unmarshal(head, &c.CheckpointHeader); err != nil {
		return nil, fmt.Errorf("the checkpoint's header does not decode: %w", err)
	}
	if c.Format != CheckpointFormat {
		return nil, fmt.Errorf("%w: format %d, this version reads %d", ErrCheckpointFormat, c.Format, CheckpointFormat)
	}
	for _, p := range c.Parts {
		if p.Size < 0 || p.Size > 1<<40 {
			return nil, fmt.Errorf("part %s claims %d bytes", p.Name, p.Size)
		}
		raw, err := readN(br, p.Size)
		if err != nil {
			return nil, fmt.Errorf("part %s is cut short: %w", p.Name, err)
		}
		sum := sha256.Sum256(raw)
		if hex.EncodeToString(sum[:]) != p.SHA256 {
			return nil, fmt.Errorf("part %s does not match its SHA-256", p.Name)
		}
		c.parts = append(c.parts, raw)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errors.New("the checkpoint goes on past its last part")
	}
	return c, nil
}

// readN reads n bytes into a buffer of n bytes, when n is at most
// maxPartRoom, and otherwise grows it as they come rather than trusting n
// for an allocation: growing by doubling leaves as much again as garbage.
func readN(r io.Reader, n int64) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(int(min(n, maxPartRoom)) + bytes.MinRead) // ReadFrom asks for MinRead more
	got, err := io.CopyN(&b, r, n)
	if got < n && err == nil {
		err = io.ErrUnexpectedEOF
	}
	return b.Bytes(), err
}

// Differences names what differs between two checkpoints of the same
// sequence: the digest, and each part whose bytes differ. None means they
// hold the same state.
func (c *Checkpoint) Differences(other *Checkpoint) []string {
	var out []string
	if c.Seq != other.Seq {
		return []string{fmt.Sprintf("the sequence (%d, %d)", c.Seq, other.Seq)}
	}
	if c.Digest != other.Digest {
		out = append(out, fmt.Sprintf("the log's digest (%s, %s)", c.Digest, other.Digest))
	}
	sums := map[string]string{}
	for _, p := range other.Parts {
		sums[p.Name] = p.SHA256
	}
	for _, p := range c.Parts {
		if s, ok := sums[p.Name]; !ok || s != p.SHA256 {
			out = append(out, partLabel(p.Name))
		}
		delete(sums, p.Name)
	}
	for _, p := range other.Parts {
		if _, ok := sums[p.Name]; ok {
			out = append(out, partLabel(p.Name))
		}
	}
	return out
}

// partLabel says what a part holds.
func partLabel(name string) string {
	switch name {
	case statePart:
		return "the write side's state"
	case quarantinePart:
		return "the quarantine list"
	}
	return "read model " + name
}

// savedQuarantine is the quarantine list as a checkpoint holds it.
type savedQuarantine struct {
	List   []Quarantined     `json:"list"`
	Counts map[string]uint64 `json:"counts"`
}

func (q quarantine) save(w io.Writer) error {
	return json.NewEncoder(w).Encode(savedQuarantine{List: q.list, Counts: q.counts})
}

func (q *quarantine) load(raw []byte) error {
	var s savedQuarantine
	if err := loadJSON(bytes.NewReader(raw), &s); err != nil {
		return err
	}
	q.list, q.counts = s.List, s.Counts
	return nil
}

// saveJSON and loadJSON are how most read models save themselves: JSON
// sorts map keys, and keeps a nil slice or map apart from an empty one, so
// the same model saves the same bytes and loads as it was.
func saveJSON(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

func loadJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// keepMap sets *dst to src, unless the checkpoint held no map (nil), when
// *dst keeps the empty map its model was made with.
func keepMap[M ~map[K]V, K comparable, V any](dst *M, src M) {
	if src != nil {
		*dst = src
	}
}

// convert maps each element of in with f, nil for nil, so that a model
// loads with the same nil and empty slices it was saved with.
func convert[T, U any](in []T, f func(T) U) []U {
	if in == nil {
		return nil
	}
	out := make([]U, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

// saveMap saves a model that is one map under its lock.
func saveMap[M ~map[K]V, K comparable, V any](w io.Writer, mu *sync.RWMutex, m *M) error {
	mu.RLock()
	defer mu.RUnlock()
	return saveJSON(w, *m)
}

// loadMap loads a model that is one map, saved by saveMap.
func loadMap[M ~map[K]V, K comparable, V any](r io.Reader, mu *sync.RWMutex, m *M) error {
	var loaded M
	if err := loadJSON(r, &loaded); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	keepMap(m, loaded)
	return nil
}
