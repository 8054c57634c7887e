package overlays

import "slices"

// Kind is what a feature represents; it decides which geometry the feature
// may have and how it is drawn.
type Kind string

// The kinds a layer file may use (docs/format.md).
const (
	KindPlace         Kind = "place"
	KindUnit          Kind = "unit"
	KindMovement      Kind = "movement"
	KindFront         Kind = "front"
	KindArea          Kind = "area"
	KindFortification Kind = "fortification"
	KindArtillery     Kind = "artillery"
	KindAirfield      Kind = "airfield"
	KindRiver         Kind = "river"
	KindLake          Kind = "lake"
	KindRailway       Kind = "railway"
	KindEvent         Kind = "event"
)

// geometryTypes lists, per kind, the GeoJSON geometry types it may have.
var geometryTypes = map[Kind][]string{
	KindPlace:         {"Point"},
	KindUnit:          {"Point"},
	KindMovement:      {"LineString"},
	KindFront:         {"LineString", "MultiLineString"},
	KindArea:          {"Polygon", "MultiPolygon"},
	KindFortification: {"LineString", "MultiLineString", "Polygon", "MultiPolygon"},
	KindArtillery:     {"Point", "MultiPoint"},
	KindAirfield:      {"Point", "Polygon"},
	KindRiver:         {"LineString", "MultiLineString"},
	KindLake:          {"Polygon", "MultiPolygon"},
	KindRailway:       {"LineString", "MultiLineString"},
	KindEvent:         {"Point"},
}

// Kinds returns every known kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(geometryTypes))
	for k := range geometryTypes {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Known reports whether k is one of the documented kinds.
func (k Kind) Known() bool { _, ok := geometryTypes[k]; return ok }

// GeometryTypes returns the GeoJSON geometry types a feature of kind k may have.
func (k Kind) GeometryTypes() []string { return slices.Clone(geometryTypes[k]) }

// Side is the belligerent a feature belongs to.
type Side string

// The sides. SideNone is the zero value: context features belong to no side.
const (
	SideNone  Side = ""
	SideJapan Side = "japan"
	SideChina Side = "china"
	SideUSA   Side = "usa"
)

// Enumerated property values, checked by validation (docs/format.md).
var (
	sides     = []string{"japan", "china", "usa", "none"}
	echelons  = []string{"army-group", "army", "corps", "division", "brigade", "regiment", "battalion", "detachment"}
	branches  = []string{"infantry", "artillery", "armour", "cavalry", "engineer", "air", "hq"}
	actions   = []string{"advance", "attack", "retreat", "relief", "withdrawal"}
	outcomes  = []string{"failed"}
	roles     = []string{"siege", "encirclement", "defence", "occupied", "battle", "control"}
	sizeNames = []string{"small", "medium", "large"}
)
