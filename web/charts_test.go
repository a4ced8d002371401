package web

import (
	"strings"
	"testing"
	"time"
)

func TestChartsEscapeTheirLabelsAndDrawTheTarget(t *testing.T) {
	pts := []point{{Label: "<b>2026-01</b>", Value: 10}, {Label: "2026-02", Value: 20}}
	target := 15.0
	for name, svg := range map[string]string{
		"sparkline": string(sparkline(pts)),
		"lineChart": string(lineChart("NPS <script>", pts, &target)),
	} {
		if strings.Contains(svg, "<b>") || strings.Contains(svg, "<script>") {
			t.Errorf("%s writes a label as markup: %s", name, svg)
		}
		if !strings.Contains(svg, "&lt;b&gt;2026-01&lt;/b&gt;") {
			t.Errorf("%s lost the escaped label: %s", name, svg)
		}
	}
	if svg := string(lineChart("x", pts, &target)); !strings.Contains(svg, `class="target"`) || !strings.Contains(svg, "target 15.0") {
		t.Errorf("no target line: %s", svg)
	}
	if svg := string(lineChart("x", pts, nil)); strings.Contains(svg, `class="target"`) {
		t.Errorf("a target line without a target: %s", svg)
	}
}

func TestChartsOfOneValueOrNoneDrawSomethingReadable(t *testing.T) {
	if svg := string(sparkline(nil)); !strings.Contains(svg, "no data yet") {
		t.Errorf("empty sparkline: %s", svg)
	}
	svg := string(lineChart("x", []point{{Label: "w1", Value: 5}}, nil))
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Errorf("one value draws NaN: %s", svg)
	}
}

func TestSafeNextStaysOnThisSite(t *testing.T) {
	for in, want := range map[string]string{
		"/decisions?from=2026-01-01": "/decisions?from=2026-01-01",
		"":                           "/",
		"https://evil.example/":      "/",
		"//evil.example/":            "/",
		"/\\evil.example":            "/",
		"/signin":                    "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgeSaysJustNowForTimesNotYetPast(t *testing.T) {
	now := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	for at, want := range map[time.Time]string{
		now.Add(time.Hour):         "just now",
		now.Add(-30 * time.Second): "just now",
		now.Add(-5 * time.Minute):  "5 minutes ago",
		now.Add(-time.Hour):        "1 hour ago",
		now.Add(-72 * time.Hour):   "3 days ago",
	} {
		if got := age(now, at); got != want {
			t.Errorf("age of %s = %q, want %q", at, got, want)
		}
	}
}
