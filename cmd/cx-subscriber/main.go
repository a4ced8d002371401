// Command cx-subscriber is an example of another service following the CX
// program's events: it keeps a durable consumer of its own on the CX stream,
// filtered to the events it cares about (by default feedback and council
// decisions), prints each one, and acknowledges it, so that after a restart
// it resumes where it left off. It needs nothing but the NATS client: run
// `cxtracker serve --nats-listen 127.0.0.1:4222`, then
// `go run ./cmd/cx-subscriber`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Config is what the subscriber is told.
type Config struct {
	URL      string
	Creds    string
	Durable  string
	Subjects []string
	// Since, for a consumer that does not exist yet, starts it at a time
	// rather than at the start of the log.
	Since time.Time
	// Max stops after that many events (0: follow forever).
	Max int
}

func main() {
	cfg, err := parse(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cx-subscriber: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "cx-subscriber: %v\n", err)
		os.Exit(1)
	}
}

func parse(args []string, getenv func(string) string) (Config, error) {
	c := Config{URL: "nats://127.0.0.1:4222", Durable: "cx-subscriber"}
	if v := getenv("NATS_URL"); v != "" {
		c.URL = v
	}
	fs := flag.NewFlagSet("cx-subscriber", flag.ContinueOnError)
	fs.StringVar(&c.URL, "nats-url", c.URL, "NATS server with the CX stream (or NATS_URL)")
	fs.StringVar(&c.Creds, "nats-creds", "", "credentials file")
	fs.StringVar(&c.Durable, "durable", c.Durable, "name of this service's durable consumer")
	subjects := fs.String("subjects", "cx.feedback.*.feedback_logged,cx.initiative.*.initiative_decided", "comma-separated subject filters")
	since := fs.String("since", "", "RFC 3339 time to start a new consumer at (default: the start of the log)")
	fs.IntVar(&c.Max, "max", 0, "stop after this many events (0: follow forever)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	c.Subjects = strings.Split(*subjects, ",")
	if *since != "" {
		t, err := time.Parse(time.RFC3339, *since)
		if err != nil {
			return Config{}, fmt.Errorf("--since %q is not an RFC 3339 time", *since)
		}
		c.Since = t
	}
	return c, nil
}

// event is the part of a CloudEvent the subscriber prints.
type event struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Subject string          `json:"subject"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor"`
	Data    json.RawMessage `json:"data"`
}

// run follows the events and prints one line each to out.
func run(ctx context.Context, cfg Config, out io.Writer) error {
	opts := []nats.Option{nats.Name(cfg.Durable)}
	if cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(cfg.Creds))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.URL, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	cc := jetstream.ConsumerConfig{
		Durable:        cfg.Durable,
		FilterSubjects: cfg.Subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		MaxAckPending:  1, // one at a time keeps the output in stream order across redeliveries
	}
	if !cfg.Since.IsZero() {
		cc.DeliverPolicy, cc.OptStartTime = jetstream.DeliverByStartTimePolicy, &cfg.Since
	}
	cons, err := js.Consumer(ctx, "CX", cfg.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		cons, err = js.CreateConsumer(ctx, "CX", cc)
	}
	if err != nil {
		return fmt.Errorf("consumer %s on stream CX: %w", cfg.Durable, err)
	}
	for n := 0; cfg.Max == 0 || n < cfg.Max; {
		// One message per pull: when the subscriber stops, no message is in
		// flight to it, unacknowledged, to hold up its next start.
		msg, err := cons.Next(jetstream.FetchContext(ctx))
		if errors.Is(err, jetstream.ErrNoMessages) || errors.Is(err, nats.ErrTimeout) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		n++
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		var ev event
		if err := json.Unmarshal(msg.Data(), &ev); err != nil {
			fmt.Fprintf(out, "%d\tundecodable event on %s: %v\n", meta.Sequence.Stream, msg.Subject(), err)
		} else {
			fmt.Fprintf(out, "%d\t%s\t%s\t%s\t%s\n", meta.Sequence.Stream, ev.Time.Format(time.RFC3339), ev.Type, ev.Subject, ev.Data)
		}
		// Acknowledged only once printed, and synchronously, so that a
		// restart neither skips nor repeats an event it has seen through.
		if err := msg.DoubleAck(ctx); err != nil {
			return fmt.Errorf("acknowledge seq %d: %w", meta.Sequence.Stream, err)
		}
	}
	return nil
}
