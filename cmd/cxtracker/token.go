package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const tokenUsage = `Usage:
  cxtracker token issue --person ID [--grant G ...] [--label L] [--link] [flags]
  cxtracker token revoke ID [flags]

issue prints the new token on stdout, once: the tracker keeps only its hash.
With --link it then prints a one-time link that signs a browser in to the
dashboard as the token: it works once, within 15 minutes (the time it stops
working is printed, in UTC).
Both talk to a running tracker with the admin token, from CXTRACKER_TOKEN or
--token-file (default <data>/admin.token). Every flag can also be set as
CXTRACKER_<FLAG>, e.g. CXTRACKER_SERVER.
`

// grantList collects repeated --grant flags.
type grantList []string

func (g *grantList) String() string { return strings.Join(*g, ",") }
func (g *grantList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("a grant cannot be empty")
	}
	*g = append(*g, v)
	return nil
}

// tokenCmd issues or revokes a token on a running tracker.
func tokenCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, tokenUsage)
		if len(args) == 0 {
			return usageError{errors.New("token needs a subcommand: issue or revoke")}
		}
		return flag.ErrHelp
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("cxtracker token "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var r remote
	r.addFlags(fs)
	var person, label string
	var grants grantList
	var link bool
	switch sub {
	case "issue":
		fs.StringVar(&person, "person", "", "the person the token signs in as")
		fs.Var(&grants, "grant", "a grant beyond the person's roles (admin, or action:<name>); repeat for more")
		fs.StringVar(&label, "label", "", "what the token is for, shown in listings")
		fs.BoolVar(&link, "link", false, "also print a one-time dashboard sign-in link for the token, good for 15 minutes")
	case "revoke":
	default:
		return usageError{fmt.Errorf("unknown token subcommand %q: use issue or revoke", sub)}
	}
	if err := fromEnv(fs, getenv); err != nil {
		return usageError{err}
	}
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{err}
	}
	r.token = getenv("CXTRACKER_TOKEN")
	if err := r.check(); err != nil {
		return usageError{err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch sub {
	case "issue":
		if len(pos) > 0 {
			return usageError{fmt.Errorf("token issue takes no arguments, got %q", strings.Join(pos, " "))}
		}
		if person == "" && len(grants) == 0 {
			return usageError{errors.New("token issue needs --person (or --grant for a service's token)")}
		}
		c, err := r.client()
		if err != nil {
			return err
		}
		return issueToken(ctx, c, person, label, grants, link, stdout, stderr)
	default:
		if len(pos) != 1 {
			return usageError{errors.New("token revoke takes one argument: the token's id")}
		}
		c, err := r.client()
		if err != nil {
			return err
		}
		return revokeToken(ctx, c, pos[0], stdout)
	}
}

// issueToken asks the tracker for a token and prints it alone on stdout, so
// that a script can capture it; its id goes to stderr. With link, a line
// with a one-time sign-in link follows the token.
func issueToken(ctx context.Context, c *client, person, label string, grants []string, link bool, stdout, stderr io.Writer) error {
	body := obj{"person_id": person, "label": label, "grants": grants}
	if person == "" {
		delete(body, "person_id")
	}
	if label == "" {
		delete(body, "label")
	}
	if len(grants) == 0 {
		delete(body, "grants")
	}
	var issued struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/tokens", body, &issued); err != nil {
		return err
	}
	if issued.Token == "" {
		return errors.New("the tracker answered without a token")
	}
	fmt.Fprintln(stdout, issued.Token)
	fmt.Fprintf(stderr, "token %s issued; it is shown only this once (revoke it with: cxtracker token revoke %s)\n", issued.ID, issued.ID)
	if !link {
		return nil
	}
	l, err := makeSignInLink(ctx, c, c.base, issued.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sign-in link (works once, until %s): %s\n", l.until(), l.URL)
	return nil
}

// signInLink is a one-time dashboard sign-in link, as printed.
type signInLink struct {
	URL       string
	ExpiresAt time.Time
}

// until is when the link stops working, in UTC.
func (l signInLink) until() string { return l.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC") }

// makeSignInLink asks the tracker for a one-time sign-in link for token id,
// to open on the dashboard served at base.
func makeSignInLink(ctx context.Context, c *client, base, tokenID string) (signInLink, error) {
	var made struct {
		Path      string    `json:"path"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/tokens/"+url.PathEscape(tokenID)+"/signin-links", nil, &made); err != nil {
		return signInLink{}, err
	}
	if made.Path == "" {
		return signInLink{}, errors.New("the tracker answered without a sign-in link")
	}
	return signInLink{URL: strings.TrimRight(base, "/") + made.Path, ExpiresAt: made.ExpiresAt}, nil
}

// revokeToken revokes a token by its id.
func revokeToken(ctx context.Context, c *client, id string, stdout io.Writer) error {
	if err := c.do(ctx, http.MethodDelete, "/v1/tokens/"+url.PathEscape(id), nil, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %s revoked\n", id)
	return nil
}
