package web

import (
	"strings"
	"testing"
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
