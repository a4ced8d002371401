package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// ContentType is the media type of a delivery: a CloudEvent in structured
// JSON mode.
const ContentType = "application/cloudevents+json"

// DefaultTimeout bounds one delivery: connecting, sending, and reading the
// answer's status.
const DefaultTimeout = 10 * time.Second

// NewClient is the HTTP client deliveries go through: every connection's
// address checked by Control, no redirect followed (a 3xx is a failed
// delivery), no proxy from the environment, and a timeout on each request.
func NewClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, Control: Control}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// post sends one signed delivery and answers the receiver's status; an
// error when it did not answer 2xx.
func post(ctx context.Context, client *http.Client, sub Subscription, msgID string, at time.Time, body []byte) (int, error) {
	sig, err := Sign(sub.Secret, msgID, at, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", "cxtracker-webhooks")
	req.Header.Set(HeaderID, msgID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	// Read a little of the answer so the connection can be reused, never
	// all of what a receiver might send.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
			return resp.StatusCode, fmt.Errorf("answered %d, a redirect to %q, which is not followed", resp.StatusCode, loc)
		}
		return resp.StatusCode, fmt.Errorf("answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
