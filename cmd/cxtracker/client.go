package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(raw)
	}
	return c.send(ctx, method, path, "application/json", r, out)
}

// send sends a body of the given media type and decodes the JSON answer.
func (c *client) send(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
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
			return ctx.Err()
		}
		return fmt.Errorf("cannot reach the tracker at %s: %w", c.base, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		p := &problem{Status: resp.StatusCode, request: method + " " + path}
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
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
	}
	return nil
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
