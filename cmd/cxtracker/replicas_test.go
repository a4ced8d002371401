package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// readAfter reads path on m as it stands once m has applied seq, retrying
// while m answers 503 (it lags, or a node is being replaced) for at most
// a minute; any other answer is final.
func readAfter(m *Main, path, token string, seq uint64) (answer, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		a, err := request(http.MethodGet, "http://"+m.HTTPAddr()+path, token, nil, api.HeaderMinSeq, strconv.FormatUint(seq, 10))
		if err == nil && a.status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return a, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// acked is a write a replica acknowledged (2xx): the entity's id and the
// sequence the replica answered (X-Event-Seq).
type acked struct {
	id  string
	seq uint64
}

// writeLoad registers people through replicas from several writers until
// stop is closed. Every acknowledged registration is read back at once on
// the other replica, with X-Min-Seq; each writer of tokens issues a token
// on one replica and signs in with it at once on the other.
type writeLoad struct {
	replicas []*Main
	admin    string
	stop     chan struct{}
	wg       sync.WaitGroup

	mu       sync.Mutex
	acks     []acked
	failures []string
	more     chan struct{} // signalled after each acknowledged write
}

func (l *writeLoad) ack(a acked) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
	select {
	case l.more <- struct{}{}:
	default:
	}
}

func (l *writeLoad) acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acks)
}

func (l *writeLoad) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, fmt.Sprintf(format, args...))
}

func (l *writeLoad) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// write posts one write to replica `on`, answering its id and sequence when
// the replica acknowledged it.
func (l *writeLoad) write(on int, path string, body any) (acked, bool) {
	a, err := request(http.MethodPost, "http://"+l.replicas[on].HTTPAddr()+path, l.admin, body)
	if err != nil || a.status/100 != 2 {
		return acked{}, false // not acknowledged: the test asks nothing of it
	}
	var v struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	seq, err := strconv.ParseUint(a.header.Get(api.HeaderEventSeq), 10, 64)
	if json.Unmarshal([]byte(a.body), &v) != nil || v.ID == "" || err != nil {
		l.fail("%s on replica %d answered %d without an id or %s: %s", path, on, a.status, api.HeaderEventSeq, a.body)
		return acked{}, false
	}
	w := acked{id: v.ID, seq: seq}
	l.ack(w)
	if v.Token != "" {
		w.id = v.Token // the secret, for the sign-in on the other replica
	}
	return w, true
}

// people registers people on replica `on`, reading each back on the other.
func (l *writeLoad) people(on, writer int) {
	defer l.wg.Done()
	other := l.replicas[1-on]
	for i := 0; !l.stopped(); i++ {
		w, ok := l.write(on, "/v1/people", map[string]any{"name": fmt.Sprintf("Writer %d person %d", writer, i),
			"email": fmt.Sprintf("w%d.p%d@example.com", writer, i), "department": "Claims"})
		if !ok {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		a, err := readAfter(other, "/v1/people/"+w.id, l.admin, w.seq)
		if err != nil || a.status != http.StatusOK {
			l.fail("person %s written on replica %d at seq %d, read on the other with X-Min-Seq, answered %d %v: %s", w.id, on, w.seq, a.status, err, a.body)
		}
	}
}

// tokens issues reader tokens on replica `on` and signs in with each at
// once on the other, with X-Min-Seq.
func (l *writeLoad) tokens(on int) {
	defer l.wg.Done()
	for i := 0; !l.stopped(); i++ {
		w, ok := l.write(on, "/v1/tokens", map[string]any{"label": fmt.Sprintf("reader %d", i), "grants": []string{events.GrantActionPrefix + "read"}})
		if !ok {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		a, err := readAfter(l.replicas[1-on], "/v1/people?limit=1", w.id, w.seq)
		if err != nil || a.status != http.StatusOK {
			l.fail("a token issued on replica %d at seq %d signed in on the other with X-Min-Seq: %d %v: %s", on, w.seq, a.status, err, a.body)
		}
		on = 1 - on
	}
}

// waitAcks waits until n more writes are acknowledged, failing the test
// when they are not within two minutes.
func (l *writeLoad) waitAcks(t *testing.T, n int, what string) {
	t.Helper()
	want := l.acked() + n
	timeout := time.After(2 * time.Minute)
	for l.acked() < want {
		select {
		case <-l.more:
		case <-timeout:
			t.Fatalf("fewer than %d writes were acknowledged %s", n, what)
		}
	}
}

// loggedIDs are the aggregate ids of every event of kind in the log, read
// through replica m's audit log (GET /v1/events), with how often each
// appears.
func loggedIDs(t *testing.T, m *Main, token, kind string, last uint64) map[string]int {
	t.Helper()
	ids := map[string]int{}
	cursor := ""
	for {
		a, err := readAfter(m, "/v1/events?limit=500&aggregate="+kind+"&cursor="+cursor, token, last)
		if err != nil || a.status != http.StatusOK {
			t.Fatalf("the audit log answered %d %v: %s", a.status, err, a.body)
		}
		var page api.Page[api.EventView]
		if err := json.Unmarshal([]byte(a.body), &page); err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			ids[e.AggregateID]++
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
}

// digestAt is replica m's log digest once it has applied seq.
func digestAt(t *testing.T, m *Main, token string, seq uint64) api.DigestView {
	t.Helper()
	a, err := readAfter(m, "/v1/audit/digest", token, seq)
	if err != nil || a.status != http.StatusOK {
		t.Fatalf("the digest answered %d %v: %s", a.status, err, a.body)
	}
	var d api.DigestView
	if err := json.Unmarshal([]byte(a.body), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// victim is the node to kill: of the nodes that lead the CX stream or one
// of its consumers (the replicas' projectors follow the log through one
// each), the one that leads the most, the stream's leader first among
// equals; and what it leads. Losing the stream's leader tests that no
// acknowledged write is lost; losing a projector's consumer, that the
// replica notices and follows on.
func victim(t *testing.T, m *Main) (string, []string) {
	t.Helper()
	ctx := context.Background()
	st := streamNamed(t, m.conn, jetstream.StreamName)
	info, err := st.Info(ctx)
	if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
		t.Fatalf("the CX stream has no leader: %+v %v", info, err)
	}
	leads := map[string][]string{info.Cluster.Leader: {"the CX stream"}}
	consumers := st.ListConsumers(ctx)
	for c := range consumers.Info() {
		if c.Cluster != nil && c.Cluster.Leader != "" {
			leads[c.Cluster.Leader] = append(leads[c.Cluster.Leader], "consumer "+c.Name)
		}
	}
	if err := consumers.Err(); err != nil {
		t.Fatal(err)
	}
	best := info.Cluster.Leader
	for node, what := range leads {
		if len(what) > len(leads[best]) {
			best = node
		}
	}
	return best, leads[best]
}

func TestTwoReplicasOnAThreeNodeClusterLoseNoAcknowledgedWriteAndAgree(t *testing.T) {
	t.Parallel()
	c := jstest.StartProcessCluster(t, 3)
	onCluster := func(cfg *Config) {
		cfg.NATSURL, cfg.Replicas = c.URLs(), 3
		cfg.RateLimit = 0 // many writers share the admin token
		// Checkpoints are taken under the load and across the lost node,
		// by both replicas, into the one bucket.
		cfg.CheckpointEveryEvents = 20
	}
	a := startMain(t, onCluster)
	admin := adminTokenOf(t, a)
	b := startMain(t, onCluster)

	load := &writeLoad{replicas: []*Main{a, b}, admin: admin, stop: make(chan struct{}), more: make(chan struct{}, 1)}
	for w := range 4 {
		load.wg.Add(1)
		go load.people(w%2, w)
	}
	load.wg.Add(1)
	go load.tokens(0)
	stopLoad := sync.OnceFunc(func() { close(load.stop); load.wg.Wait() })
	defer stopLoad()

	// The node that leads the log goes while writes go to both replicas.
	load.waitAcks(t, 30, "before a node was lost")
	lost, leads := victim(t, a)
	c.Kill(t, lost)
	load.waitAcks(t, 30, "after a node was killed")
	stopLoad()
	load.mu.Lock()
	acks, failures := load.acks, load.failures
	load.mu.Unlock()
	for _, f := range failures {
		t.Error(f)
	}
	last, err := a.Store().LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writes acknowledged; node %s, which led %s, killed; the log's last sequence is %d", len(acks), lost, strings.Join(leads, ", "), last)

	// Every acknowledged write is in the log, once.
	logged := map[string]int{}
	for _, kind := range []string{events.KindPerson, events.KindToken} {
		for id, n := range loggedIDs(t, b, admin, kind, last) {
			logged[id] += n
		}
	}
	for _, w := range acks {
		if logged[w.id] != 1 {
			t.Errorf("the write acknowledged at seq %d (%s) is in the log %d times, want once", w.seq, w.id, logged[w.id])
		}
	}

	// Both replicas, and one started afresh on what is left of the
	// cluster, reach the same digest at the log's end.
	want := digestAt(t, a, admin, last)
	if want.Seq != last {
		t.Fatalf("replica A's digest is at seq %d, want %d", want.Seq, last)
	}
	if got := digestAt(t, b, admin, last); got != want {
		t.Errorf("replica B's digest is %+v, replica A's %+v", got, want)
	}

	// A replica started afresh on what is left of the cluster is ready from
	// the newest checkpoint the others kept in the shared bucket, replaying
	// only the tail, and warns that it cannot confirm the lost node fsyncs.
	sameReplicasAsTheLog(t, a)
	fresh, lines := startLogged(t, t.TempDir(), onCluster)
	from := loadedCheckpoint(t, fresh, lines)
	if n := fresh.Projector().Applied(); from.Seq == 0 || n != last-from.Seq {
		t.Errorf("a replica started afresh replayed %d events after checkpoint %s, want the %d after it", n, from.Name, last-from.Seq)
	}
	if got := digestAt(t, fresh, admin, last); got != want {
		t.Errorf("a replica started afresh has digest %+v, the others %+v", got, want)
	}
	w := lines.fsyncWarnings()
	if len(w) != 1 || !strings.Contains(w[0], lost+" is offline") && !strings.Contains(w[0], lost+" did not answer") {
		t.Errorf("a start with node %s lost warned %q, want one warning naming it", lost, w)
	}
}

// loadedCheckpoint is the checkpoint the start of m says it loaded (its log
// line "started ... from=checkpoint NAME"), as its bucket lists it.
func loadedCheckpoint(t *testing.T, m *Main, lines *logLines) jetstream.CheckpointInfo {
	t.Helper()
	found := regexp.MustCompile(`msg=started .*from="checkpoint ([^"]+)"`).FindStringSubmatch(lines.String())
	if found == nil {
		t.Fatalf("the start loaded no checkpoint:\n%s", lines)
	}
	list, err := m.checkpoints.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range list {
		if info.Name == found[1] {
			return info
		}
	}
	t.Fatalf("the start loaded checkpoint %s, which the bucket does not list (%+v)", found[1], list)
	return jetstream.CheckpointInfo{}
}

// sameReplicasAsTheLog fails the test unless the checkpoint bucket's stream
// has as many replicas as the CX stream.
func sameReplicasAsTheLog(t *testing.T, m *Main) {
	t.Helper()
	replicas := func(name string) int { return streamNamed(t, m.conn, name).CachedInfo().Config.Replicas }
	if cx, kept := replicas(jetstream.StreamName), replicas("OBJ_"+jetstream.CheckpointsBucket); cx != 3 || kept != cx {
		t.Errorf("the CX stream has %d replicas, the checkpoint bucket %d; want 3 and 3", cx, kept)
	}
}
