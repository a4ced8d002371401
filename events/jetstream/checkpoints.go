package jetstream

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// CheckpointsBucket is the object store bucket that keeps checkpoints of
// the tracker's state (the write side's and every read model's) at points
// of the log, so that a start, on any replica, replays only what came
// after the newest one it can trust. Its stream is named "OBJ_" +
// CheckpointsBucket.
const CheckpointsBucket = "CX_CHECKPOINTS"

// checkpointPrefix begins every checkpoint's object name; the sequence
// follows, zero-padded so that names sort as sequences do.
const checkpointPrefix = "seq-"

// CheckpointInfo is what the bucket says of one checkpoint, from the
// object's metadata, without reading it.
type CheckpointInfo struct {
	Name string
	Seq  uint64
	// Digest is the log's digest at Seq (in hex).
	Digest string
	// Format is the shape the state was saved in; Code the version of the
	// code that saved it, for information.
	Format  int
	Code    string
	Created time.Time
	// SHA256 is the checkpoint's own checksum (in hex), checked on every
	// read besides the object store's digest.
	SHA256 string
	Size   uint64
}

// Checkpoints are the kept checkpoints.
type Checkpoints struct {
	obs jetstream.ObjectStore // nil: a read-only store found no bucket
	s   *Store
}

// ErrCheckpointDamaged says a checkpoint's bytes do not match its
// checksum, or its object does not read.
var ErrCheckpointDamaged = errors.New("checkpoint damaged")

// Checkpoints opens the checkpoint bucket, creating it (on file storage,
// with as many replicas as the CX stream) on first use, unless the store was
// opened read-only: then a missing bucket holds no checkpoints. A bucket
// found with fewer replicas than the stream (made by a start with a smaller
// --replicas) is raised to the stream's, so that every replica can load a
// checkpoint whichever node is lost (a read-only store leaves it be).
//
// Errors: ErrUnavailable.
func (s *Store) Checkpoints(ctx context.Context) (*Checkpoints, error) {
	cfg := jetstream.ObjectStoreConfig{
		Bucket:      CheckpointsBucket,
		Description: "checkpoints of the tracker's state at points of the CX log",
		Storage:     jetstream.FileStorage,
		Replicas:    s.streamReplicas(),
	}
	obs, err := s.js.ObjectStore(ctx, CheckpointsBucket)
	switch {
	case errors.Is(err, jetstream.ErrBucketNotFound) && s.opts.openOnly:
		return &Checkpoints{}, nil
	case errors.Is(err, jetstream.ErrBucketNotFound):
		obs, err = s.js.CreateObjectStore(ctx, cfg)
	case err == nil:
		obs, err = s.sameReplicas(ctx, obs, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: bucket %s: %v", events.ErrUnavailable, CheckpointsBucket, err)
	}
	return &Checkpoints{obs: obs, s: s}, nil
}

// streamReplicas is how many replicas the CX stream has: those of the
// buckets beside it, whatever this start's --replicas says.
func (s *Store) streamReplicas() int { return max(s.stream.CachedInfo().Config.Replicas, 1) }

// sameReplicas raises the checkpoint bucket's replicas to the stream's
// (cfg.Replicas) when it has fewer.
func (s *Store) sameReplicas(ctx context.Context, obs jetstream.ObjectStore, cfg jetstream.ObjectStoreConfig) (jetstream.ObjectStore, error) {
	st, err := obs.Status(ctx)
	if err != nil || st.Replicas() >= cfg.Replicas {
		return obs, err
	}
	if s.opts.openOnly {
		return obs, nil // reads need no more
	}
	cfg.Description = st.Description()
	obs, err = s.js.UpdateObjectStore(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("raise its replicas from %d to the CX stream's %d: %v", st.Replicas(), cfg.Replicas, err)
	}
	s.opts.logger.Info("the checkpoint bucket's replicas raised to the CX stream's", "from", st.Replicas(), "to", cfg.Replicas)
	return obs, nil
}

// CheckpointName is the object name of the checkpoint at seq.
func CheckpointName(seq uint64) string { return fmt.Sprintf("%s%020d", checkpointPrefix, seq) }

// Keep stores a checkpoint under its sequence's name, with info's seq,
// digest, format, code and created time as metadata and the SHA-256 of
// its bytes, replacing one kept at the same sequence (by another replica,
// which saved the same state). The checkpoint writes itself twice: once
// for its SHA-256, once into the bucket, so that its bytes are never held
// in memory a second time.
//
// Errors: ErrUnavailable.
func (c *Checkpoints) Keep(ctx context.Context, info CheckpointInfo, checkpoint io.WriterTo) (CheckpointInfo, error) {
	if c.obs == nil {
		return CheckpointInfo{}, fmt.Errorf("%w: the checkpoint bucket was opened read-only and does not exist", events.ErrUnavailable)
	}
	if err := c.s.connected(); err != nil {
		return CheckpointInfo{}, fmt.Errorf("%w: keep a checkpoint: %v", events.ErrUnavailable, err)
	}
	h := sha256.New()
	size, err := checkpoint.WriteTo(h)
	if err != nil {
		return CheckpointInfo{}, err
	}
	info.Name, info.SHA256, info.Size = CheckpointName(info.Seq), hex.EncodeToString(h.Sum(nil)), uint64(size)
	r, w := io.Pipe()
	go func() {
		_, err := checkpoint.WriteTo(w)
		w.CloseWithError(err)
	}()
	defer r.Close()
	_, err = c.obs.Put(ctx, jetstream.ObjectMeta{
		Name:        info.Name,
		Description: fmt.Sprintf("the tracker's state at seq %d of the CX log", info.Seq),
		Metadata: map[string]string{
			"seq": strconv.FormatUint(info.Seq, 10), "digest": info.Digest, "format": strconv.Itoa(info.Format),
			"code": info.Code, "created": info.Created.UTC().Format(time.RFC3339Nano), "sha256": info.SHA256,
		},
	}, r)
	if err != nil {
		return CheckpointInfo{}, fmt.Errorf("%w: keep checkpoint %s: %v", events.ErrUnavailable, info.Name, err)
	}
	return info, nil
}

// List is every kept checkpoint, the newest (highest sequence) first. An
// object whose metadata does not read is listed with what it has, Seq
// taken from its name; Load then finds what is wrong with it.
//
// Errors: ErrUnavailable.
func (c *Checkpoints) List(ctx context.Context) ([]CheckpointInfo, error) {
	if c.obs == nil {
		return nil, nil
	}
	var objs []*jetstream.ObjectInfo
	var err error
	for try := 0; try < listTries; try++ {
		// The client's list follows the bucket's metadata on a consumer
		// of its own and waits for it as long as ctx lets it; on a
		// cluster a consumer lost while its leader moves would hold a
		// start for ever, so each try has its own bound.
		tryCtx, cancel := context.WithTimeout(ctx, listTimeout)
		objs, err = c.obs.List(tryCtx)
		cancel()
		if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			break
		}
	}
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: list checkpoints: %v", events.ErrUnavailable, err)
	}
	var out []CheckpointInfo
	for _, o := range objs {
		seq, err := strconv.ParseUint(strings.TrimPrefix(o.Name, checkpointPrefix), 10, 64)
		if o.Deleted || !strings.HasPrefix(o.Name, checkpointPrefix) || err != nil {
			continue
		}
		md := o.Metadata
		info := CheckpointInfo{Name: o.Name, Seq: seq, Digest: md["digest"], Code: md["code"], SHA256: md["sha256"], Size: o.Size}
		info.Format, _ = strconv.Atoi(md["format"])
		info.Created, _ = time.Parse(time.RFC3339Nano, md["created"])
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b CheckpointInfo) int { return cmp.Compare(b.Seq, a.Seq) })
	return out, nil
}

// listTries and listTimeout bound List: tries of listTimeout each.
const (
	listTries   = 3
	listTimeout = 15 * time.Second
)

// loadTimeout bounds Load's read of a checkpoint of size bytes: the
// client's 5 s, and a second more for every 8 MB (a 200 MB checkpoint:
// 30 s). A read whose object is damaged (a chunk gone) waits for the whole
// bound, so a small checkpoint keeps the 5 s.
func loadTimeout(size uint64) time.Duration {
	return 5*time.Second + time.Duration(size/(8<<20))*time.Second
}

// maxCheckpointRoom is the most room Load makes at once for a checkpoint.
const maxCheckpointRoom = 1 << 30

// Load reads a checkpoint whole and checks it against its SHA-256.
//
// Errors: ErrCheckpointDamaged (it does not match, or its object does not
// read), ErrUnavailable.
func (c *Checkpoints) Load(ctx context.Context, info CheckpointInfo) ([]byte, error) {
	if c.obs == nil {
		return nil, fmt.Errorf("%w: no checkpoint bucket", events.ErrUnavailable)
	}
	// Without a deadline, the client bounds the whole read by its default
	// timeout (5 s), which a checkpoint of 10M items (some 200 MB) read
	// from a cold disk does not meet: bound it by the size instead.
	ctx, cancel := context.WithTimeout(ctx, loadTimeout(info.Size))
	defer cancel()
	r, err := c.obs.Get(ctx, info.Name)
	if err != nil {
		return nil, fmt.Errorf("%w: read checkpoint %s: %v", events.ErrUnavailable, info.Name, err)
	}
	defer r.Close()
	// Room for the size the listing gave (bounded), so that reading does
	// not double its buffer over and over: a checkpoint of 1M feedback
	// items is some 33 MB.
	var buf bytes.Buffer
	buf.Grow(int(min(info.Size, maxCheckpointRoom)) + bytes.MinRead)
	_, err = buf.ReadFrom(r)
	data := buf.Bytes()
	if errors.Is(err, jetstream.ErrDigestMismatch) {
		return nil, fmt.Errorf("%w: %s does not match the object store's digest", ErrCheckpointDamaged, info.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read checkpoint %s: %v", events.ErrUnavailable, info.Name, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != info.SHA256 {
		return nil, fmt.Errorf("%w: %s has SHA-256 %s, its metadata says %q", ErrCheckpointDamaged, info.Name, got, info.SHA256)
	}
	return data, nil
}

// Prune deletes all but the newest keep checkpoints, and answers the
// names it deleted.
//
// Errors: ErrUnavailable.
func (c *Checkpoints) Prune(ctx context.Context, keep int) ([]string, error) {
	list, err := c.List(ctx)
	if err != nil || len(list) <= keep {
		return nil, err
	}
	var gone []string
	for _, info := range list[max(keep, 0):] {
		if err := c.erase(ctx, info.Name); err != nil {
			return gone, err
		}
		gone = append(gone, info.Name)
	}
	return gone, nil
}

// erase deletes the checkpoint name with its chunks erased from disk
// first (the server's secure erase overwrites each in its block): an
// object store's delete only purges them, and a checkpoint holds the read
// models' plaintext, personal data that an erasure must not leave behind.
func (c *Checkpoints) erase(ctx context.Context, name string) error {
	info, err := c.obs.GetInfo(ctx, name, jetstream.GetObjectInfoShowDeleted())
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: checkpoint %s: %v", events.ErrUnavailable, name, err)
	}
	if err := c.s.secureErase(ctx, "OBJ_"+CheckpointsBucket, "$O."+CheckpointsBucket+".C."+info.NUID, nil); err != nil {
		return err
	}
	if err := c.obs.Delete(ctx, name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("%w: delete checkpoint %s: %v", events.ErrUnavailable, name, err)
	}
	return nil
}
