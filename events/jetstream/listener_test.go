package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestListenerBeyondLoopbackNeedsCredentialsAndTLS(t *testing.T) {
	cert, key := jstest.SelfSigned(t)
	for name, auth := range map[string]jetstream.ListenerAuth{
		"nothing":          {},
		"credentials only": {User: "crm", Password: "secret"},
		"TLS only":         {TLSCert: cert, TLSKey: key},
	} {
		_, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "0.0.0.0:0", ListenAuth: auth})
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: a listener on every interface answered %v, want a refusal", name, err)
		}
	}
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "0.0.0.0:0",
		ListenAuth: jetstream.ListenerAuth{User: "crm", Password: "secret", TLSCert: cert, TLSKey: key}})
	if err != nil {
		t.Fatalf("with credentials and TLS: %v", err)
	}
	srv.Shutdown()
}

func TestSecuredListenerLetsServicesReadButNotWrite(t *testing.T) {
	cert, key := jstest.SelfSigned(t)
	user, _ := nkeys.CreateUser()
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: t.TempDir(), Listen: "127.0.0.1:0",
		ListenAuth: jetstream.ListenerAuth{User: "crm", Password: "secret", NKey: pub, TLSCert: cert, TLSKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	// The tracker itself still writes through its in-process connection.
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	st, err := jetstream.New(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Answers(context.Background()); err != nil {
		t.Fatal(err)
	}
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "crew_formed", 1))

	if c, err := nats.Connect(srv.ClientURL(), nats.RootCAs(cert), nats.Timeout(2*time.Second)); err == nil {
		c.Close()
		t.Fatal("a client without credentials was let in")
	}
	if c, err := nats.Connect(srv.ClientURL(), nats.UserInfo("crm", "secret"), nats.Timeout(2*time.Second)); err == nil {
		c.Close()
		t.Fatal("a client without TLS was let in")
	}
	sign := func(nonce []byte) ([]byte, error) {
		kp, _ := nkeys.FromSeed(seed)
		return kp.Sign(nonce)
	}
	for name, opt := range map[string]nats.Option{"password": nats.UserInfo("crm", "secret"), "nkey": nats.Nkey(pub, sign)} {
		t.Run(name, func(t *testing.T) {
			c, err := nats.Connect(srv.ClientURL(), opt, nats.RootCAs(cert), nats.Timeout(2*time.Second))
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer c.Close()
			js, _ := natsjs.New(c)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			cons, err := js.CreateConsumer(ctx, jetstream.StreamName, natsjs.ConsumerConfig{Durable: "svc-" + name, FilterSubject: "cx.crew.>"})
			if err != nil {
				t.Fatalf("the service could not keep a consumer: %v", err)
			}
			if _, err := cons.Next(natsjs.FetchMaxWait(2 * time.Second)); err != nil {
				t.Fatalf("the service could not read: %v", err)
			}
			// What it may not do is TestOutsideUsersReadButNeverWrite's.
			// A kept answer is forged by a put into its bucket; with its own
			// time, since a refused publish waits out its context.
			kvCtx, kvCancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer kvCancel()
			if _, err := js.Publish(kvCtx, "$KV."+jetstream.AnswersBucket+"."+strings.Repeat("ab", 32), []byte(`{"status":200,"body":"forged"}`)); err == nil {
				t.Fatal("the service forged a kept answer")
			}
			// A subscriber to cx.> sees the reply subject of the tracker's
			// publishes; answering it with a forged ack must not reach the
			// tracker, which must still get JetStream's own answer.
			forged := make(chan error, 8)
			sub, err := c.Subscribe("cx.>", func(m *nats.Msg) {
				if m.Reply != "" {
					forged <- m.Respond([]byte(`{"stream":"CX","seq":900}`))
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Unsubscribe()
			c.Flush()
			// A large batch takes JetStream long enough to commit for a
			// forged answer to come first.
			_, err = st.Append(context.Background(), agg, events.ExpectNew(), testEvents(t, agg, 2, 800)...)
			if !errors.Is(err, events.ErrConflict) {
				t.Fatalf("with a forger listening, a stale append answered %v, want the conflict JetStream found", err)
			}
		})
	}
}
