package tiles

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"
	"sync"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/cache"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// ErrTileOutOfRange is returned for a tile that does not exist: x or y not
// below 2^z, or z above geo.MaxZoom.
var ErrTileOutOfRange = errors.New("tile out of range")

// Renderer draws the features of one campaign. It is read-only after New
// and safe for concurrent use.
type Renderer struct {
	campaign *overlays.Campaign
	ix       *index
	fonts    *fonts.Set
	layouts  *cache.Cache[layoutKey, *layout]
}

// New prepares a campaign for drawing: it builds the spatial index and the
// simplified geometry of every feature.
func New(c *overlays.Campaign) *Renderer {
	var items []*item
	for _, l := range c.Layers {
		for _, f := range l.Features {
			items = append(items, newItem(f))
		}
	}
	// Stable: within a kind, campaign order (layer, then feature) decides.
	slices.SortStableFunc(items, func(a, b *item) int { return drawOrder[a.f.Kind] - drawOrder[b.f.Kind] })
	for i, it := range items {
		it.seq = uint32(i)
	}
	r := &Renderer{campaign: c, ix: newIndex(items), fonts: fonts.Default(), layouts: cache.New(DefaultLayoutBytes, layoutSize)}
	return r
}

// Fonts returns the fonts labels are set in.
func (r *Renderer) Fonts() *fonts.Set { return r.fonts }

// Campaign returns the campaign the renderer draws.
func (r *Renderer) Campaign() *overlays.Campaign { return r.campaign }

// EmptyPNG returns the canonical transparent PNG of the given size
// (fastpng.Empty). The bytes are shared: callers must not modify them.
func (r *Renderer) EmptyPNG(width, height int) []byte { return fastpng.Empty(width, height) }

// Encode writes the plan as PNG: the shared empty image when the plan is
// empty or draws only transparent pixels, else the drawing. It reports
// whether the result was empty.
func (r *Renderer) Encode(w io.Writer, p *Plan) (empty bool, err error) {
	if !p.Empty() {
		img := tileImages.get(p.Frame.Width, p.Frame.Height)
		p.DrawOn(img, r.fonts)
		empty, err := fastpng.Encode(w, img)
		tileImages.put(img)
		if err != nil || !empty {
			return false, err
		}
	}
	_, err = w.Write(fastpng.Empty(p.Frame.Width, p.Frame.Height))
	return true, err
}

// imagePool keeps cleared images to draw tiles on, so that a tile does not
// allocate (and the collector sweep) a quarter of a megabyte.
type imagePool struct{ pool sync.Pool }

var tileImages imagePool

// get returns a transparent width×height image.
func (ip *imagePool) get(width, height int) *image.RGBA {
	r := image.Rect(0, 0, width, height)
	if img, ok := ip.pool.Get().(*image.RGBA); ok && cap(img.Pix) >= 4*width*height {
		img.Pix, img.Stride, img.Rect = img.Pix[:4*width*height], 4*width, r
		clear(img.Pix)
		return img
	}
	return image.NewRGBA(r)
}

// maxPooled is the largest image kept, in bytes: a 512 px (@2x) tile.
// Larger frames (static maps) are left to the collector.
const maxPooled = 4 * 512 * 512

// put gives an image back.
func (ip *imagePool) put(img *image.RGBA) {
	if cap(img.Pix) <= maxPooled {
		ip.pool.Put(img)
	}
}

// Tile renders XYZ tile t of the selected layers on day d at scale 1 or 2 as
// PNG to w.
func (r *Renderer) Tile(ctx context.Context, w io.Writer, sel overlays.Selection, d geo.Day, t maptile.Tile, scale int) error {
	if !t.Valid() || t.Z > geo.MaxZoom {
		return fmt.Errorf("tile %d/%d/%d: %w", t.Z, t.X, t.Y, ErrTileOutOfRange)
	}
	p, err := r.Plan(ctx, sel, d, geo.TileFrame(t, scale))
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = r.Encode(w, p)
	return err
}
