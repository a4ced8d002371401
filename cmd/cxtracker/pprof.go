package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// --pprof (CXTRACKER_PPROF), set to a loopback address (127.0.0.1:6060),
// makes serve answer Go's profiles there (/debug/pprof/, as net/http/pprof
// serves them): to see where a running tracker's memory and time go. It is
// off by default, on a listener of its own and loopback only, so that no
// profile is ever served to the API's clients.

// servePprof serves the profiles on addr, a loopback address, until close
// is called; it answers the address it listens on.
func servePprof(addr string, log *slog.Logger) (listening string, close func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("--pprof: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", nil, fmt.Errorf("--pprof: %q is not a loopback address; profiles are served on loopback only", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("profiles stopped", "err", err)
		}
	}()
	listening = ln.Addr().String()
	log.Info("serving Go profiles", "pprof", "http://"+listening+"/debug/pprof/")
	return listening, func() { _ = srv.Close() }, nil
}
