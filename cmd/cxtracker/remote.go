package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// DefaultServer is the API a client command talks to when not told.
const DefaultServer = "http://127.0.0.1:8080"

// remote is how a client command reaches a running tracker: its address and
// the admin token, taken from CXTRACKER_TOKEN or else from a file (by
// default the one the server wrote on its first start).
type remote struct {
	Server    string
	Data      string
	TokenFile string
	// token is CXTRACKER_TOKEN. It has no flag, so that it never shows in a
	// process list.
	token string
}

// addFlags declares the flags of remote on fs.
func (r *remote) addFlags(fs *flag.FlagSet) {
	r.Server, r.Data = DefaultServer, DefaultConfig().Data
	fs.StringVar(&r.Server, "server", r.Server, "URL of the running tracker's HTTP API")
	fs.StringVar(&r.Data, "data", r.Data, "the server's data directory, where its admin.token is")
	fs.StringVar(&r.TokenFile, "token-file", "", "file holding the admin token (default <data>/admin.token); CXTRACKER_TOKEN wins over it")
}

// check validates the server address.
func (r *remote) check() error {
	u, err := url.Parse(r.Server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--server must be an http:// or https:// URL, not %q", r.Server)
	}
	return nil
}

// adminToken is CXTRACKER_TOKEN, or the token in the token file.
func (r *remote) adminToken() (string, error) {
	if r.token != "" {
		return r.token, nil
	}
	path := r.TokenFile
	if path == "" {
		path = filepath.Join(r.Data, AdminTokenFile)
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no admin token: %s does not exist; set CXTRACKER_TOKEN, --token-file or --data", path)
	}
	if err != nil {
		return "", fmt.Errorf("read the admin token: %w", err)
	}
	tok := strings.TrimSpace(string(raw))
	if tok == "" {
		return "", fmt.Errorf("no admin token: %s is empty", path)
	}
	return tok, nil
}

// client is an API client with the admin token.
func (r *remote) client() (*client, error) {
	tok, err := r.adminToken()
	if err != nil {
		return nil, err
	}
	return newClient(r.Server, tok), nil
}

// parseInterleaved parses flags that may come before and after the
// positional arguments (`token revoke ID --server URL`), which flag.Parse
// alone does not, and answers the positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// setOnCommandLine reports whether the flag was given on the command line,
// as opposed to its default or its environment variable: fromEnv sets values
// without marking them set, so fs.Visit sees only what was parsed.
func setOnCommandLine(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
