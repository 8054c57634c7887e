package overlays

import "strings"

// Typed readers of the properties that drawing and legends depend on. The
// values were checked against their enumerations at load (validate.go), so
// these only read; each property's meaning lives here, once.

// Role is an area's role: siege, encirclement, defence, occupied, battle,
// control, or "" for none.
func (f *Feature) Role() string { return f.Prop("role") }

// Encircles reports whether an area is a siege ring or an encirclement,
// drawn with inward teeth.
func (f *Feature) Encircles() bool { r := f.Role(); return r == "siege" || r == "encirclement" }

// Action is a movement's action: advance, attack, retreat, relief,
// withdrawal, or "".
func (f *Feature) Action() string { return f.Prop("action") }

// Hollow reports whether a movement is drawn hollow and dashed: a retreat
// or a withdrawal.
func (f *Feature) Hollow() bool { a := f.Action(); return a == "retreat" || a == "withdrawal" }

// Failed reports whether a movement failed (an attack repulsed, a relief
// blocked): it ends in a bar.
func (f *Feature) Failed() bool { return f.Prop("outcome") == "failed" }

// Approximate reports whether the feature's place or route is an estimate
// (`approximate: true`): drawn so that it looks approximate.
func (f *Feature) Approximate() bool { v, _ := f.Properties["approximate"].(bool); return v }

// Echelon is a unit's echelon: army-group, army, corps, division, brigade,
// regiment, battalion, detachment, or "".
func (f *Feature) Echelon() string { return f.Prop("echelon") }

// EchelonRank orders echelons from battalion (1) to army group (7); 0 for
// none or a detachment.
func (f *Feature) EchelonRank() int { return echelonRank[f.Echelon()] }

var echelonRank = map[string]int{
	"army-group": 7, "army": 6, "corps": 5, "division": 4, "brigade": 3,
	"regiment": 2, "battalion": 1,
}

// Branch is a unit's arm of service: infantry, artillery, armour, cavalry,
// engineer, air, hq, or "".
func (f *Feature) Branch() string { return f.Prop("branch") }

// Rank is a place's rank, 1 (city) to 4 (village); 3 when not given.
func (f *Feature) Rank() int {
	if r, ok := f.Properties["rank"].(float64); ok && r >= 1 && r <= 4 {
		return int(r)
	}
	return 3
}

// SourceIDs returns the ids of the sources a feature cites: its `source`,
// split at semicolons, blanks dropped.
func (f *Feature) SourceIDs() []string {
	var out []string
	for _, id := range strings.Split(f.Prop("source"), ";") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}
