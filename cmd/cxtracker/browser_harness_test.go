package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The dashboard's browser tests drive a real headless Chromium through the
// DevTools protocol. .ci/run installs Debian's chromium when it is missing;
// where CI is set, a test that finds no browser fails rather than skips.

// chromiumPath is the browser to drive: $CHROMIUM, or the first of the
// usual names on PATH.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found (chromium, chromium-browser, google-chrome or $CHROMIUM): .ci/run installs Debian's chromium package")
	}
	t.Skip("no Chromium on this machine; install Debian's chromium package (CI does) or set $CHROMIUM")
	return ""
}

// newBrowser starts a headless Chromium for the test and answers its
// context; tabs are opened from it.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-GB"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return bctx
}

// browserTab is one tab of the headless Chromium, in a browser context of
// its own (its own cookies, so two tabs are two people), that records every
// console error, uncaught exception and browser log error, a
// Content-Security-Policy violation among them.
type browserTab struct {
	t    testing.TB
	ctx  context.Context
	base string
	mu   sync.Mutex
	errs []string
}

// newTab opens a tab in a fresh browser context on the tracker at base. The
// test fails, when it ends, on any JavaScript error the tab saw.
func newTab(t testing.TB, browser context.Context, base string) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	tab := &browserTab{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !expectedError(m) {
				tab.mu.Lock()
				tab.errs = append(tab.errs, string(m.Type)+": "+m.Text+" ("+m.URL+")")
				tab.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		tab.mu.Lock()
		defer tab.mu.Unlock()
		for _, e := range tab.errs {
			t.Errorf("JavaScript error on a page: %s", e)
		}
	})
	return tab
}

// expectedError is a browser log line a test causes on purpose: the
// network error the browser logs for a page answered 4xx (a 403 page, a
// form re-shown with a rule's error).
func expectedError(m chromedp.ConsoleMessage) bool {
	return m.Source == "network" && strings.Contains(m.Text, "status of 4")
}

// do runs actions in the tab, failing the test on the first error.
func (b *browserTab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func evalIn[T any](b *browserTab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// open goes to path and waits for its <main>.
func (b *browserTab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

// text is the text of the first element matching the CSS selector.
func (b *browserTab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// waitFor waits until the JavaScript expression is true in the page,
// asking every 50 ms; a page that is navigating meanwhile is asked again
// once it has loaded.
func (b *browserTab) waitFor(what, expr string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("%s: not within %s (last error: %v)", what, within, last)
}

// signIn signs in through the sign-in form, as a person would.
func (b *browserTab) signIn(token string) {
	b.t.Helper()
	b.open("/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.CSS("nav[aria-label=Main]")),
	)
}

// screenshot takes the window (1280 by 900) as a PNG. With SCREENSHOTS=docs it is
// written under docs/screenshots (how the README's pictures are made);
// otherwise only its size is checked.
func (b *browserTab) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if len(png) < 10_000 {
		b.t.Fatalf("screenshot %s is only %d bytes", name, len(png))
	}
	if os.Getenv("SCREENSHOTS") == "docs" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}
