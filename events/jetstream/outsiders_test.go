package jetstream_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// outsider is a client of the listener that records the permission
// violations the server answers it with.
type outsider struct {
	t          *testing.T
	c          *nats.Conn
	violations chan string
}

func connectOutsider(t *testing.T, url string, opts ...nats.Option) *outsider {
	t.Helper()
	o := &outsider{t: t, violations: make(chan string, 64)}
	opts = append(opts, nats.Timeout(5*time.Second), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) {
			o.violations <- err.Error()
		}
	}))
	c, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatalf("connect to the listener: %v", err)
	}
	t.Cleanup(c.Close)
	o.c = c
	return o
}

// waitViolation waits for the server to refuse subject, failing the test if
// answer first brings a reply, that is if the server took the request.
func (o *outsider) waitViolation(what, subject string, answer <-chan *nats.Msg) {
	o.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case v := <-o.violations:
			if strings.Contains(v, `"`+subject+`"`) {
				return
			}
		case m := <-answer:
			o.t.Errorf("%s (%s) was not refused: answered %.200s", what, subject, m.Data)
			return
		case <-deadline:
			o.t.Errorf("%s (%s) was neither refused nor answered", what, subject)
			return
		}
	}
}

// refusedPublish sends body to subject with a reply inbox, as a request of
// any client would go, and expects the server to refuse it.
func (o *outsider) refusedPublish(what, subject string, body []byte) {
	o.t.Helper()
	answer := make(chan *nats.Msg, 4)
	inbox := o.c.NewInbox()
	sub, err := o.c.ChanSubscribe(inbox, answer)
	if err != nil {
		o.t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := o.c.PublishRequest(subject, inbox, body); err != nil {
		o.t.Fatal(err)
	}
	o.waitViolation(what, subject, answer)
}

// refusedSubscribe expects the server to refuse a subscription to subject.
func (o *outsider) refusedSubscribe(what, subject string) {
	o.t.Helper()
	got := make(chan *nats.Msg, 4)
	sub, err := o.c.ChanSubscribe(subject, got)
	if err != nil {
		o.t.Fatal(err)
	}
	defer sub.Unsubscribe()
	o.c.Flush()
	o.waitViolation(what, subject, nil)
}

func TestOutsideUsersReadButNeverWrite(t *testing.T) {
	for _, mode := range []struct {
		name string
		auth jetstream.ListenerAuth
		opts []nats.Option
	}{
		{"without credentials", jetstream.ListenerAuth{}, nil},
		{"with credentials", jetstream.ListenerAuth{User: "crm", Password: "secret"}, []nats.Option{nats.UserInfo("crm", "secret")}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0", ListenAuth: mode.auth})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Shutdown)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			nc, err := srv.Connect()
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			st, err := jetstream.New(ctx, nc)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			person := events.Aggregate{Kind: "person", ID: events.NewID()}
			mustAppend(t, st, person, events.ExpectNew(), testEvent(t, person, "person_registered", 1))
			// A bucket of the tracker's own, as a later release may keep
			// credential material in: no outsider may read it.
			tjs, _ := natsjs.New(nc)
			kv, err := tjs.CreateKeyValue(ctx, natsjs.KeyValueConfig{Bucket: "secrets"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := kv.Put(ctx, "admin", []byte("hash")); err != nil {
				t.Fatal(err)
			}
			// The keys of personal data: reading one would open a data
			// subject's sealed fields, deleting one would erase them.
			keys, err := st.Keys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := keys.Sealing(events.PersonSubject(person.ID)); err != nil {
				t.Fatal(err)
			}
			keyStream, keySubject := "KV_"+jetstream.KeysBucket, "$KV."+jetstream.KeysBucket+"."+events.PersonSubject(person.ID)

			o := connectOutsider(t, srv.ClientURL(), mode.opts...)
			weak := jetstream.StreamConfig(1)
			weak.DenyDelete, weak.DenyPurge = false, false
			update, _ := json.Marshal(weak)
			create, _ := json.Marshal(natsjs.StreamConfig{Name: "EVIL", Subjects: []string{"evil.>"}})
			for _, r := range []struct{ what, subject, body string }{
				{"a forged event", person.Subject("person_registered"), `{"x":1}`},
				{"a stream delete", "$JS.API.STREAM.DELETE.CX", ``},
				{"a purge", "$JS.API.STREAM.PURGE.CX", `{}`},
				{"a stream create", "$JS.API.STREAM.CREATE.EVIL", string(create)},
				{"a stream update", "$JS.API.STREAM.UPDATE.CX", string(update)},
				{"a message delete", "$JS.API.STREAM.MSG.DELETE.CX", `{"seq":1}`},
				{"a restore", "$JS.API.STREAM.RESTORE.CX", `{}`},
				{"a publish to an inbox", "_INBOX.someone.else", `{"stream":"CX","seq":900}`},
				{"a publish to the tracker's inbox", jetstream.InboxPrefix + ".x.y", `{"stream":"CX","seq":900}`},
				{"another stream's info", "$JS.API.STREAM.INFO.KV_secrets", ``},
				{"another stream's message", "$JS.API.DIRECT.GET.KV_secrets.$KV.secrets.admin", ``},
				{"a consumer on another stream", "$JS.API.CONSUMER.CREATE.KV_secrets", `{"stream_name":"KV_secrets","config":{}}`},
				{"the list of every stream's state", "$JS.API.STREAM.LIST", `{}`},
				{"the keys' stream info", "$JS.API.STREAM.INFO." + keyStream, ``},
				{"a key, read directly", "$JS.API.DIRECT.GET." + keyStream + "." + keySubject, ``},
				{"a key, read directly by subject", "$JS.API.DIRECT.GET." + keyStream, `{"last_by_subj":"` + keySubject + `"}`},
				{"a key, read as a message", "$JS.API.STREAM.MSG.GET." + keyStream, `{"last_by_subj":"` + keySubject + `"}`},
				{"a consumer on the keys", "$JS.API.CONSUMER.CREATE." + keyStream, `{"stream_name":"` + keyStream + `","config":{}}`},
				{"a durable consumer on the keys", "$JS.API.CONSUMER.DURABLE.CREATE." + keyStream + ".x", `{"stream_name":"` + keyStream + `","config":{"durable_name":"x"}}`},
				{"a key erased", "$JS.API.STREAM.MSG.DELETE." + keyStream, `{"seq":1}`},
				{"the keys purged", "$JS.API.STREAM.PURGE." + keyStream, `{}`},
				{"the keys' stream deleted", "$JS.API.STREAM.DELETE." + keyStream, ``},
				{"the keys snapshotted", "$JS.API.STREAM.SNAPSHOT." + keyStream, `{}`},
				{"a key written", keySubject, `0123456789abcdef0123456789abcdef`},
			} {
				o.refusedPublish(r.what, r.subject, []byte(r.body))
			}
			o.refusedSubscribe("the bucket's subjects", "$KV.secrets.>")
			o.refusedSubscribe("the keys' subjects", "$KV."+jetstream.KeysBucket+".>")
			o.refusedSubscribe("the tracker's inbox", jetstream.InboxPrefix+".>")

			info, err := tjs.Stream(ctx, jetstream.StreamName)
			if err != nil {
				t.Fatalf("the log is gone: %v", err)
			}
			cfg := info.CachedInfo()
			if cfg.State.Msgs != 1 || !cfg.Config.DenyDelete || !cfg.Config.DenyPurge {
				t.Fatalf("the log changed: %d messages, deny delete %v, deny purge %v", cfg.State.Msgs, cfg.Config.DenyDelete, cfg.Config.DenyPurge)
			}
			// A consumer asked for on CX's own subject but naming the keys'
			// stream in its body is refused by the server.
			if m, err := o.c.Request("$JS.API.CONSUMER.CREATE."+jetstream.StreamName, []byte(`{"stream_name":"`+keyStream+`","config":{}}`), 5*time.Second); err != nil || !strings.Contains(string(m.Data), `"error"`) {
				t.Errorf("a consumer on CX naming the keys' stream: %v %v", m, err)
			}
			ks, err := tjs.Stream(ctx, keyStream)
			if err != nil {
				t.Fatal(err)
			}
			if ki := ks.CachedInfo(); ki.State.Msgs != 1 || ki.State.Consumers != 0 {
				t.Fatalf("the keys changed: %d messages, %d consumers", ki.State.Msgs, ki.State.Consumers)
			}
			if _, err := tjs.Stream(ctx, "EVIL"); !errors.Is(err, natsjs.ErrStreamNotFound) {
				t.Fatalf("an outsider's stream exists: %v", err)
			}

			// What a reader needs still works: the stream's info, a single
			// message, an ordered read, and a durable consumer of its own
			// that reads and acknowledges.
			js, _ := natsjs.New(o.c)
			cx, err := js.Stream(ctx, jetstream.StreamName)
			if err != nil {
				t.Fatalf("stream info: %v", err)
			}
			if m, err := cx.GetMsg(ctx, 1); err != nil || m.Subject != person.Subject("person_registered") {
				t.Fatalf("get message 1: %v", err)
			}
			ordered, err := cx.OrderedConsumer(ctx, natsjs.OrderedConsumerConfig{})
			if err != nil {
				t.Fatalf("ordered consumer: %v", err)
			}
			if m, err := ordered.Next(natsjs.FetchMaxWait(5 * time.Second)); err != nil || m.Subject() != person.Subject("person_registered") {
				t.Fatalf("ordered read: %v", err)
			}
			durable, err := js.CreateConsumer(ctx, jetstream.StreamName, natsjs.ConsumerConfig{Durable: "crm", FilterSubject: "cx.person.>", AckPolicy: natsjs.AckExplicitPolicy})
			if err != nil {
				t.Fatalf("durable consumer: %v", err)
			}
			m, err := durable.Next(natsjs.FetchMaxWait(5 * time.Second))
			if err != nil || m.Subject() != person.Subject("person_registered") {
				t.Fatalf("durable read: %v", err)
			}
			if err := m.DoubleAck(ctx); err != nil {
				t.Fatalf("ack: %v", err)
			}
			if ci, err := js.Consumer(ctx, jetstream.StreamName, "crm"); err != nil || ci.CachedInfo().AckFloor.Stream != 1 {
				t.Fatalf("the durable consumer did not keep its place: %v", err)
			}
			select {
			case v := <-o.violations:
				t.Fatalf("a reader's own work was refused: %s", v)
			default:
			}
		})
	}
}
