package overlays

import (
	"maps"

	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
)

// Export returns the features of the selection visible on day d (every
// feature at geo.NoDay) as one GeoJSON FeatureCollection, movements cut at
// their position. Each feature keeps its properties and gains "layer" and,
// for movements, "progress" (0 to 1, rounded to 4 decimals).
func Export(sel Selection, d geo.Day) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, l := range sel {
		for _, f := range l.Features {
			s := f.At(d)
			if !s.Visible {
				continue
			}
			out := geojson.NewFeature(f.GeometryAt(s))
			out.Properties = maps.Clone(f.Properties)
			out.Properties["layer"] = l.ID
			if f.Route != nil {
				out.Properties["progress"] = float64(int(f.Progress(s)*1e4+0.5)) / 1e4
			}
			fc.Append(out)
		}
	}
	if d != geo.NoDay {
		fc.ExtraMembers = geojson.Properties{"date": d.String()}
	}
	return fc
}
