// Command cxtracker runs the CX program tracker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"cxtracker/events"
)

const usage = `Usage: cxtracker <command> [flags]

Commands:
  serve    run the tracker: the event log (embedded NATS by default) and the HTTP API
  verify   replay the log: no gap, every event decodes, the digests given match
  replay   the whole program state as of a time, as JSON (--until, --out)
  report   the quality council's report for a period, by replaying the log (--from, --to, --format md|json|csv)
  token    issue or revoke an API token on a running tracker
  demo     load a realistic CX program into a running tracker or a data directory

Run 'cxtracker <command> -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is the whole program but the exit: it answers the exit code, 0 for
// success, 1 for a failure and 2 for a usage error, and reports any failure
// as one line on stderr.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runAt(events.SystemClock, args, getenv, stdout, stderr)
}

// runAt is run with the clock the commands read "now" from: the time of the
// events serve records, the default end of a report's period or of a
// replay, the end of the demo's year.
func runAt(clock events.Clock, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	stdout, stderr = locked(stdout), locked(stderr)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(clock, args[1:], getenv, stderr)
	case "verify", "report", "replay":
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		switch args[0] {
		case "verify":
			err = verifyCmd(ctx, args[1:], getenv, stdout, stderr)
		case "report":
			err = reportCmd(ctx, clock, args[1:], getenv, stdout, stderr)
		default:
			err = replayCmd(ctx, clock, args[1:], getenv, stdout, stderr)
		}
		stop()
	case "token":
		err = tokenCmd(args[1:], getenv, stdout, stderr)
	case "demo":
		err = demoCmd(clock, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "cxtracker: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "cxtracker: %s\n", oneLine(err))
		return 2
	default:
		fmt.Fprintf(stderr, "cxtracker: %s\n", oneLine(err))
		return 1
	}
}

// errUsage marks errors in what the user typed.
var errUsage = errors.New("usage")

type usageError struct{ err error }

func (u usageError) Error() string        { return u.err.Error() }
func (u usageError) Is(target error) bool { return target == errUsage }
func (u usageError) Unwrap() error        { return u.err }

// oneLine folds a joined error into one line.
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// serve runs the tracker until SIGINT or SIGTERM.
func serve(clock events.Clock, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := ParseServe(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{err}
	}
	cfg.Clock = clock
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.Pprof != "" {
		_, closeProfiles, err := servePprof(cfg.Pprof, log)
		if err != nil {
			return usageError{err}
		}
		defer closeProfiles()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	m := NewMain(cfg, log)
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "dashboard: %s\n", m.DashboardURL())
	<-ctx.Done()
	log.Info("shutting down")
	m.Close()
	log.Info("stopped")
	return nil
}
