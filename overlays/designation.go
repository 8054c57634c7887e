package overlays

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// unitPattern reads designations such as "68th Division", "Temporary 54th
// Division", "10th Army Group" or "58th Brigade, 68th Division" (the first
// part names the unit).
var unitPattern = regexp.MustCompile(`^(?:(Temporary|Preparatory|Reserve|New|Provisional)\s+)?(\d+)(?:st|nd|rd|th)?\s+(Front Army|Army Group|Area Army|Army|Corps|Division|Brigade|Regiment|Battalion|Detachment)\b`)

var prefixAbbrev = map[string]string{"Temporary": "T", "Preparatory": "P", "Reserve": "R", "New": "N", "Provisional": "Pr"}

var typeAbbrev = map[string]string{
	"Front Army": "FA", "Army Group": "AG", "Area Army": "AA", "Army": "A", "Corps": "C",
	"Division": "", "Brigade": "Bde", "Regiment": "R", "Battalion": "Bn", "Detachment": "Det",
}

// Designation returns the short designation drawn beside a unit symbol, as
// in campaign atlases: the `designation` property when set, else one derived
// from `unit` or the name ("68th Division" → "68", "10th Army" → "10A",
// "Temporary 54th Division" → "T54"), else the name.
func (f *Feature) Designation() string {
	if d := f.Prop("designation"); d != "" {
		return d
	}
	for _, s := range []string{f.Prop("unit"), f.Name} {
		first, _, _ := strings.Cut(s, ",")
		if m := unitPattern.FindStringSubmatch(strings.TrimSpace(first)); m != nil {
			return prefixAbbrev[m[1]] + m[2] + typeAbbrev[m[3]]
		}
	}
	if u := f.Prop("unit"); u != "" && utf8.RuneCountInString(u) <= 12 {
		return u
	}
	return f.Name
}
