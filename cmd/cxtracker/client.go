package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// client talks to a running tracker over its HTTP API with one bearer token,
// as any other client would: the commands that act on a server (token, demo)
// go through the API and never around it.
type client struct {
	base  string
	token string
	http  *http.Client
}

// newClient is a client of the API at base (such as http://127.0.0.1:8080).
func newClient(base, token string) *client {
	return &client{
		base:  strings.TrimRight(base, "/"),
		token: token,
		http:  &http.Client{Timeout: 2 * time.Minute},
	}
}

// obj is a JSON object as the demo and the token command write it.
type obj = map[string]any

// problem is an RFC 9457 answer of the API; its Error is the one line the
// binary prints.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	// request names the call that was answered, so that a failure deep in a
	// demo load says where it happened.
	request string
}

func (p *problem) Error() string {
	var b strings.Builder
	if p.request != "" {
		b.WriteString(p.request + ": ")
	}
	b.WriteString(p.Title)
	if p.Title == "" {
		b.WriteString(http.StatusText(p.Status))
	}
	if p.Detail != "" {
		b.WriteString(": " + p.Detail)
	}
	for i, f := range p.Errors {
		sep := "; "
		if i == 0 {
			sep = " ("
		}
		b.WriteString(sep + f.Field + " " + f.Message)
		if i == len(p.Errors)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// do sends a JSON body (none when body is nil) and decodes a JSON answer
// into out (ignored when out is nil). An error answer is a *problem.
func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	return c.send(ctx, method, path, "application/json", raw, out)
}

// maxRateRetries bounds how often one request is sent again after a 429.
const maxRateRetries = 30

// send sends a body of the given media type (none when nil) and decodes the
// JSON answer. A 429 is waited out as its Retry-After says and the request
// sent again: the rate limit refuses a request before it does anything, so
// sending it again cannot do it twice.
func (c *client) send(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	for attempt := 0; ; attempt++ {
		resp, raw, err := c.roundTrip(ctx, method, path, contentType, body)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusTooManyRequests && attempt < maxRateRetries {
			select {
			case <-time.After(retryAfter(resp.Header.Get("Retry-After"))):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return decodeAnswer(method+" "+path, resp, raw, out)
	}
}

// roundTrip sends one request and reads the whole answer.
func (c *client) roundTrip(ctx context.Context, method, path, contentType string, body []byte) (*http.Response, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("cannot reach the tracker at %s: %w", c.base, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return resp, raw, nil
}

// decodeAnswer turns an error answer into a *problem, or decodes a success
// into out.
func decodeAnswer(request string, resp *http.Response, raw []byte, out any) error {
	if resp.StatusCode >= 300 {
		p := &problem{Status: resp.StatusCode, request: request}
		if json.Unmarshal(raw, p) != nil || p.Title == "" {
			p.Title = resp.Status
			p.Detail = strings.TrimSpace(string(raw))
			if len(p.Detail) > 200 {
				p.Detail = p.Detail[:200] + "..."
			}
		}
		return p
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: the answer is not the JSON expected: %w", request, err)
	}
	return nil
}

// retryAfter is a Retry-After in seconds, one second when it says nothing
// usable, at most a minute.
func retryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 1 {
		return time.Second
	}
	return time.Duration(min(secs, 60)) * time.Second
}

// create sends a creating POST and answers the new resource's id.
func (c *client) create(ctx context.Context, path string, body any) (string, error) {
	var created struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, path, body, &created); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", fmt.Errorf("POST %s answered no id", path)
	}
	return created.ID, nil
}
