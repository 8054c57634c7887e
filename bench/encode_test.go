package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"testing"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fastpng"
)

// campaignImages draws every 4th tile with ink of the benchmark's tile list
// for the embedded campaign on the summary map and three dates: the tiles
// the encoder's settings are chosen on.
func campaignImages(tb testing.TB) []*image.RGBA {
	tb.Helper()
	c, err := hunan.Load()
	if err != nil {
		tb.Fatal(err)
	}
	sel, err := c.Select("all")
	if err != nil {
		tb.Fatal(err)
	}
	r := tiles.New(c)
	var out []*image.RGBA
	n := 0
	for _, ds := range []string{"", "1944-06-18", "1944-07-15", "1945-05-01"} {
		d := geo.NoDay
		if ds != "" {
			if d, err = geo.ParseDay(ds); err != nil {
				tb.Fatal(err)
			}
		}
		for _, t := range Tiles(Area, SampleSeed) {
			p, err := r.Plan(context.Background(), sel, d, geo.TileFrame(t, 1))
			if err != nil {
				tb.Fatal(err)
			}
			if p.Empty() {
				continue
			}
			img := p.Draw(r.Fonts())
			if fastpng.Transparent(img) {
				continue
			}
			if n++; n%4 == 0 {
				out = append(out, img)
			}
		}
	}
	return out
}

// BenchmarkEncodeOptions measures the encoder's bytes against time on the
// campaign's drawn tiles for row filters and deflate levels: the trade-off
// fastpng.Default is chosen from (docs/performance.md). One op encodes one
// tile, cycling through them; bytes/tile is the mean size over all of them.
//
//	go test ./bench -run '^$' -bench EncodeOptions
func BenchmarkEncodeOptions(b *testing.B) {
	imgs := campaignImages(b)
	filters := []struct {
		name string
		f    fastpng.Filter
	}{{"none", fastpng.FilterNone}, {"sub", fastpng.FilterSub}, {"up", fastpng.FilterUp}, {"paeth", fastpng.FilterPaeth}}
	for _, f := range filters {
		for _, level := range []int{1, 2, 3, 4, 5, 6, 9} {
			o := fastpng.Options{Filter: f.f, Level: level}
			b.Run(fmt.Sprintf("%s/level=%d", f.name, level), func(b *testing.B) {
				var buf bytes.Buffer
				total := 0
				for _, img := range imgs {
					buf.Reset()
					if _, err := fastpng.EncodeWith(&buf, img, o); err != nil {
						b.Fatal(err)
					}
					total += buf.Len()
				}
				n := 0
				for b.Loop() {
					buf.Reset()
					fastpng.EncodeWith(&buf, imgs[n%len(imgs)], o)
					n++
				}
				b.ReportMetric(float64(total)/float64(len(imgs)), "bytes/tile")
			})
		}
	}
}
