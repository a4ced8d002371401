package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// demoSignIn is someone the demo ends by printing a sign-in link for: the
// demo's key of the person, and their role in words.
type demoSignIn struct {
	key, role string
}

// demoSignIns are whom the demo prints sign-in links for: the council's
// chair, who votes and decides, and the CX manager.
var demoSignIns = []demoSignIn{
	{demoCouncil[0], "chair of the quality council"},
	{"cx_manager", "CX manager"},
}

// nameOf is the name of the demo's person with this key.
func nameOf(key string) string {
	for _, p := range demoPeople {
		if p.key == key {
			return p.name
		}
	}
	return key
}

// printDemoSignIns issues a token for each of demoSignIns and prints a
// one-time link that signs a browser in to the dashboard at base as them.
// stopped names the data directory when the tracker that loaded the demo
// has stopped, so the links work once it is served again.
func printDemoSignIns(ctx context.Context, c *client, people map[string]string, base, stopped string, stdout io.Writer) error {
	var lines []string
	var until string
	for _, s := range demoSignIns {
		var issued struct {
			ID string `json:"id"`
		}
		if err := c.do(ctx, http.MethodPost, "/v1/tokens", obj{"person_id": people[s.key], "label": "demo: dashboard sign-in link"}, &issued); err != nil {
			return err
		}
		l, err := makeSignInLink(ctx, c, base, issued.ID)
		if err != nil {
			return err
		}
		until = l.until()
		lines = append(lines, fmt.Sprintf("  %s, %s: %s", nameOf(s.key), s.role, l.URL))
	}
	fmt.Fprintf(stdout, "sign in to the dashboard (each link works once, until %s):\n%s\n", until, strings.Join(lines, "\n"))
	if stopped != "" {
		fmt.Fprintf(stdout, "the demo's own tracker has stopped: open the links once `cxtracker serve --data %s` runs\n", stopped)
	}
	return nil
}
