package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// point is one value of a chart, with its label (a month, a week, a date).
type point struct {
	Label string
	Value float64
}

// sparkline is a small line of values, as inline SVG with a text
// alternative: the first and last value in words.
func sparkline(pts []point) template.HTML {
	const w, h = 120.0, 28.0
	if len(pts) == 0 {
		return template.HTML(`<span class="muted">no data yet</span>`)
	}
	lo, hi := extent(pts, nil)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, h, w, h,
		template.HTMLEscapeString(fmt.Sprintf("from %.1f (%s) to %.1f (%s)", pts[0].Value, pts[0].Label, pts[len(pts)-1].Value, pts[len(pts)-1].Label)))
	b.WriteString(`<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="`)
	for i, p := range pts {
		x := 2 + (w-4)*float64(i)/math.Max(1, float64(len(pts)-1))
		y := 2 + (h-4)*(1-(p.Value-lo)/(hi-lo))
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()) // built from numbers; the label is escaped
}

// lineChart is a labelled chart of values over time, with an optional
// target drawn as a dashed line, as inline SVG. Every point also has a
// <title>, so its value can be read without relying on the line's colour.
func lineChart(title string, pts []point, target *float64) template.HTML {
	const w, h, left, bottom, top = 640.0, 220.0, 44.0, 28.0, 12.0
	if len(pts) == 0 {
		return template.HTML(`<p class="muted">No values yet.</p>`)
	}
	lo, hi := extent(pts, target)
	x := func(i int) float64 { return left + (w-left-12)*float64(i)/math.Max(1, float64(len(pts)-1)) }
	y := func(v float64) float64 { return top + (h-top-bottom)*(1-(v-lo)/(hi-lo)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		fmt.Fprintf(&b, `<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="axis" x="%g" y="%.1f" text-anchor="end">%.1f</text>`,
			left, w-12, y(v), y(v), left-6, y(v)+4, v)
	}
	if target != nil {
		fmt.Fprintf(&b, `<line class="target" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="axis" x="%g" y="%.1f" text-anchor="end">target %.1f</text>`,
			left, w-12, y(*target), y(*target), w-12, y(*target)-4, *target)
	}
	b.WriteString(`<polyline class="line" fill="none" points="`)
	for i, p := range pts {
		fmt.Fprintf(&b, "%.1f,%.1f ", x(i), y(p.Value))
	}
	b.WriteString(`"/>`)
	step, last := int(math.Ceil(float64(len(pts))/8)), len(pts)-1
	for i, p := range pts {
		fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="3"><title>%s: %.1f</title></circle>`, x(i), y(p.Value), template.HTMLEscapeString(p.Label), p.Value)
		if (i%step == 0 && last-i >= step) || i == last {
			// The last label ends at its point, so the chart's right edge
			// does not cut it off; the label a step before it makes room.
			anchor := "middle"
			if i == last && i > 0 {
				anchor = "end"
			}
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%g" text-anchor="%s">%s</text>`, x(i), h-8, anchor, template.HTMLEscapeString(p.Label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers, and labels escaped above
}

// extent is the range the chart spans: the values and the target, widened
// when they are all equal.
func extent(pts []point, target *float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
	}
	if target != nil {
		lo, hi = math.Min(lo, *target), math.Max(hi, *target)
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	return lo, hi
}
