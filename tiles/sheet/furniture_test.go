package sheet

import (
	"image/color"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// recorder is a canvas that keeps the text set on it and the bounds of
// everything drawn.
type recorder struct {
	texts []string
	ys    []float64
	drawn []Rect
}

func (r *recorder) rect(x Rect, _, _ color.NRGBA, _ float64) { r.drawn = append(r.drawn, x) }
func (r *recorder) line(pts []orb.Point, _ color.NRGBA, _ float64) {
	b := orb.MultiPoint(pts).Bound()
	r.drawn = append(r.drawn, Rect{b.Min[0], b.Min[1], b.Max[0] - b.Min[0], b.Max[1] - b.Min[1]})
}
func (r *recorder) polygon([][]orb.Point, color.NRGBA, color.NRGBA, float64) {}
func (r *recorder) text(spans []span, y float64, _ textStyle) {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.text)
	}
	r.texts, r.ys = append(r.texts, b.String()), append(r.ys, y)
}
func (r *recorder) textUp(s string, _, y float64, _ textStyle) {
	r.texts, r.ys = append(r.texts, s), append(r.ys, y)
}
func (r *recorder) swatch(tiles.LegendEntry, Rect) {}

var _ canvas = (*recorder)(nil)

func TestListsOverflow(t *testing.T) {
	r, sel := testRenderer(t)
	s, err := New(r, sel, Request{Day: siegeDay, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	// Forty sources in a block with room for a few lines.
	s.Sources = nil
	for i := range 40 {
		s.Sources = append(s.Sources, overlays.Source{ID: "S", Title: strings.Repeat("A long source title ", i%4+1)})
	}
	s.Layout.Sources.H = 60
	var rec recorder
	s.drawSources(&rec)
	last := rec.texts[len(rec.texts)-1]
	n := len(rec.texts) - 2 // less the heading and the last line
	if want := moreText(40-n, "source"); last != want {
		t.Errorf("last line %q, want %q", last, want)
	}
	for i, y := range rec.ys {
		if y > s.Layout.Sources.Bottom() {
			t.Errorf("line %q at y %g, below the block's bottom %g", rec.texts[i], y, s.Layout.Sources.Bottom())
		}
		if w := s.ts.width(rec.texts[i], s.m.tiny, false); i > 0 && w > s.Layout.Sources.W+0.01 {
			t.Errorf("line %q is %g pt wide, more than the block's %g", rec.texts[i], w, s.Layout.Sources.W)
		}
	}

	// Every legend entry in a short block: smaller type, two columns, and
	// a line for what is left out.
	s.Legend = tiles.Legend(nil)
	box := Rect{0, 0, 200, 150}
	l := s.layoutLegend(box)
	if l.more == 0 || len(l.rows) == 0 {
		t.Fatalf("legend of %d entries in %v: %d rows, %d left out", len(s.Legend), box, len(l.rows), l.more)
	}
	entries := 0
	for _, row := range l.rows {
		if row.entry != nil {
			entries++
		}
		if row.y+row.h > box.H+1e-9 || row.x < 0 || row.x > box.W {
			t.Errorf("row %+v outside the box", row)
		}
	}
	if entries+l.more != len(s.Legend) || l.moreY+l.lineHeight > box.H+1e-9 {
		t.Errorf("%d entries shown and %d left out of %d; the count line at %g", entries, l.more, len(s.Legend), l.moreY)
	}
}
