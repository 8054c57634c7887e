package overlays

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
)

// Campaign is a loaded, validated set of layers. It is read-only and safe
// for concurrent use.
type Campaign struct {
	// Layers in file-name order; Layer.Index is the position here.
	Layers []*Layer
	// Extent is the span from the earliest to the latest date of any feature.
	Extent geo.Span
	// Bound is the lon/lat bound of every feature.
	Bound orb.Bound

	byID map[string]*Layer
}

// Source is one work cited by a layer's features.
type Source struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Layer is one layer file.
type Layer struct {
	ID          string
	File        string
	Index       int
	Title       string
	Description string
	Attribution string
	Sources     []Source
	Features    []*Feature
	// Extent spans the dates of the layer's features (geo.Span{} if undated).
	Extent geo.Span
	// Bound is the lon/lat bound of the layer's features.
	Bound orb.Bound
}

// Feature is one validated feature. Geometry is in lon/lat as loaded; World
// is the same geometry projected once, at load, to world coordinates
// (geo.World). Neither may be modified.
type Feature struct {
	Layer      *Layer
	Index      int
	Kind       Kind
	Side       Side
	Name       string
	NameZh     string
	Span       geo.Span
	Times      []geo.Day // movements with coordTimes: one day per vertex
	Geometry   orb.Geometry
	World      orb.Geometry
	Route      *geo.Route // movements only
	Properties geojson.Properties
	Style      Style
}

// ID returns "layer/index", unique within a campaign.
func (f *Feature) ID() string { return fmt.Sprintf("%s/%d", f.Layer.ID, f.Index) }

// String returns the feature's ID and name, for messages.
func (f *Feature) String() string { return fmt.Sprintf("%s (%q)", f.ID(), f.Name) }

// Prop returns a string property, or "" when it is absent or not a string.
func (f *Feature) Prop(key string) string {
	s, _ := f.Properties[key].(string)
	return s
}

// finish projects geometry and computes extents and bounds.
func (c *Campaign) finish() {
	c.Extent = geo.Span{From: geo.MaxDay, To: geo.MinDay}
	first := true
	for _, l := range c.Layers {
		l.Extent = geo.Span{From: geo.MaxDay, To: geo.MinDay}
		for i, f := range l.Features {
			f.World = geo.ToWorld(f.Geometry)
			b := f.Geometry.Bound()
			if i == 0 {
				l.Bound = b
			} else {
				l.Bound = l.Bound.Union(b)
			}
			for _, d := range []geo.Day{f.Span.From, f.Span.To} {
				if d != geo.MinDay && d != geo.MaxDay {
					l.Extent = l.Extent.Union(geo.Span{From: d, To: d})
				}
			}
			for _, d := range f.Times {
				l.Extent = l.Extent.Union(geo.Span{From: d, To: d})
			}
		}
		c.Extent = c.Extent.Union(l.Extent)
		if len(l.Features) > 0 {
			if first {
				c.Bound, first = l.Bound, false
			} else {
				c.Bound = c.Bound.Union(l.Bound)
			}
		}
		if l.Extent.Empty() {
			l.Extent = geo.Span{}
		}
	}
	if c.Extent.Empty() {
		c.Extent = geo.Span{}
	}
}

// Layer returns the layer with the given id.
func (c *Campaign) Layer(id string) (*Layer, bool) {
	l, ok := c.byID[id]
	return l, ok
}

// Features returns the number of features in all layers.
func (c *Campaign) Features() int {
	n := 0
	for _, l := range c.Layers {
		n += len(l.Features)
	}
	return n
}

// Selection is a set of layers of one campaign, in campaign order.
type Selection []*Layer

// MaxSelection bounds the length of a layer list, in bytes.
const MaxSelection = 1024

// Select parses a layer list — "all", one layer id, or a comma-separated
// list — into a Selection. Unknown ids wrap ErrUnknownLayer.
func (c *Campaign) Select(spec string) (Selection, error) {
	if spec == "all" {
		return Selection(c.Layers), nil
	}
	if spec == "" {
		return nil, fmt.Errorf("layer list is empty (want \"all\" or ids such as %q)", c.exampleIDs())
	}
	if len(spec) > MaxSelection {
		return nil, fmt.Errorf("layer list is longer than %d bytes", MaxSelection)
	}
	want := make([]bool, len(c.Layers))
	for _, id := range strings.Split(spec, ",") {
		l, ok := c.byID[id]
		switch {
		case id == "":
			return nil, fmt.Errorf("layer list %q has an empty item", spec)
		case id == "all":
			return nil, fmt.Errorf("layer list %q: \"all\" cannot be combined with other layers", spec)
		case !ok:
			return nil, fmt.Errorf("layer %q: %w (have %s)", id, ErrUnknownLayer, c.exampleIDs())
		case want[l.Index]:
			return nil, fmt.Errorf("layer list %q names %q twice", spec, id)
		}
		want[l.Index] = true
	}
	var sel Selection
	for i, ok := range want {
		if ok {
			sel = append(sel, c.Layers[i])
		}
	}
	return sel, nil
}

func (c *Campaign) exampleIDs() string {
	ids := make([]string, len(c.Layers))
	for i, l := range c.Layers {
		ids[i] = l.ID
	}
	return strings.Join(ids, ",")
}

// String returns the canonical layer list: ids joined by commas, in
// campaign order.
func (s Selection) String() string {
	ids := make([]string, len(s))
	for i, l := range s {
		ids[i] = l.ID
	}
	return strings.Join(ids, ",")
}

// Has reports whether the selection holds the layer with the given index.
func (s Selection) Has(index int) bool {
	for _, l := range s {
		if l.Index == index {
			return true
		}
	}
	return false
}

// KeyTowns returns the places of the selection that name one of its
// layers: a place whose name, without a trailing " Mountain" and then
// " City", is a layer's id, case aside ("Changsha" for the layer changsha,
// "Yuelu Mountain" for yuelu). Maps never leave their names out. It is nil
// when there are none.
func (sel Selection) KeyTowns() map[*Feature]bool {
	var out map[*Feature]bool
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Kind == KindPlace && sel.names(f.Name) {
				if out == nil {
					out = map[*Feature]bool{}
				}
				out[f] = true
			}
		}
	}
	return out
}

// names reports whether a place's name names a layer of the selection.
func (sel Selection) names(name string) bool {
	name = trimSuffixFold(trimSuffixFold(name, " mountain"), " city")
	for _, l := range sel {
		if strings.EqualFold(l.ID, name) {
			return true
		}
	}
	return false
}

// trimSuffixFold returns s without suffix, compared case aside.
func trimSuffixFold(s, suffix string) string {
	if n := len(s) - len(suffix); n >= 0 && strings.EqualFold(s[n:], suffix) {
		return s[:n]
	}
	return s
}

// Attribution joins the attributions of the layers, each credit
// once: attributions are split at semicolons and repeats dropped.
func (sel Selection) Attribution() string {
	seen := map[string]bool{}
	var parts []string
	for _, l := range sel {
		for _, a := range strings.Split(l.Attribution, ";") {
			if a = strings.TrimSpace(a); a != "" && !seen[a] {
				seen[a] = true
				parts = append(parts, a)
			}
		}
	}
	return strings.Join(parts, "; ")
}

// Historical reports whether f belongs to the history rather than the
// context: it has a side or dates.
func (f *Feature) Historical() bool {
	return f.Side != SideNone || f.Span != geo.All
}

// Title is the default title of a picture of the selection on day d
// (geo.NoDay: the summary) that shows the layers shown: the titles of the
// shown layers with historical features whose dates span d, those with the
// most features first; or else of every selected layer with historical
// features; or else of every selected layer; "Map" when there is none.
func (sel Selection) Title(shown Selection, d geo.Day) string {
	type count struct {
		title string
		n     int
	}
	counts := func(ls Selection, hist bool) []count {
		var out []count
		for _, l := range ls {
			n := 0
			for _, f := range l.Features {
				if f.Historical() {
					n++
				}
			}
			if hist && (n == 0 || d != geo.NoDay && !l.Extent.Contains(d)) {
				continue
			}
			t := l.Title
			if t == "" {
				t = l.ID
			}
			out = append(out, count{t, n})
		}
		slices.SortStableFunc(out, func(a, b count) int { return b.n - a.n })
		return out
	}
	c := counts(shown, true)
	if len(c) == 0 {
		d = geo.NoDay
		c = counts(sel, true)
	}
	if len(c) == 0 {
		c = counts(sel, false)
	}
	if len(c) == 0 {
		return "Map"
	}
	t := make([]string, len(c))
	for i, x := range c {
		t[i] = x.title
	}
	return strings.Join(t, " · ")
}

// WriteContent writes what the layers say — each layer's metadata, and
// every feature with its properties as Export writes them — to w, for
// hashing: equal content, equal bytes.
func (sel Selection) WriteContent(w io.Writer) error {
	for _, l := range sel {
		meta, err := json.Marshal([]any{l.ID, l.Title, l.Description, l.Attribution, l.Sources})
		if err != nil {
			return err
		}
		w.Write(meta)
		fc, err := Export(Selection{l}, geo.NoDay).MarshalJSON()
		if err != nil {
			return fmt.Errorf("layer %s: %w", l.ID, err)
		}
		w.Write(fc)
	}
	return nil
}
