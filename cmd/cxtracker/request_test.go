package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// answer is an HTTP answer as a test keeps it.
type answer struct {
	status int
	header http.Header
	body   string
}

// request sends a request with token; body is JSON-encoded when not nil;
// headers are pairs. It fails no test itself, so that goroutines can send,
// and requests may fail while a node is lost.
func request(method, url, token string, body any, headers ...string) (answer, error) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(out)}, err
}
