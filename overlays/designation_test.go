package overlays_test

import (
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/overlays"
)

func TestDesignation(t *testing.T) {
	tests := []struct{ unit, name, designation, want string }{
		{"68th Division", "", "", "68"},
		{"10th Army", "10th Army HQ (Fang Xianjue)", "", "10A"},
		{"Temporary 54th Division (attached)", "", "", "T54"},
		{"Preparatory 10th Division, 10th Army", "", "", "P10"},
		{"58th Brigade, 68th Division", "", "", "58Bde"},
		{"New 6th Army", "", "", "N6A"},
		{"4th Front Army", "", "", "4FA"},
		{"10th Army Group", "", "", "10AG"},
		{"", "116th Division (west)", "", "116"},
		{"Shigehiro detachment", "Shigehiro detachment", "", "Shigehiro detachment"},
		{"Chinese Army General Headquarters", "Chinese Army HQ (He Yingqin)", "", "Chinese Army HQ (He Yingqin)"},
		{"68th Division", "", "68D", "68D"},
	}
	for _, tc := range tests {
		f := &overlays.Feature{Name: tc.name, Properties: geojson.Properties{}}
		if tc.unit != "" {
			f.Properties["unit"] = tc.unit
		}
		if tc.designation != "" {
			f.Properties["designation"] = tc.designation
		}
		if got := f.Designation(); got != tc.want {
			t.Errorf("Designation(unit %q, name %q) = %q, want %q", tc.unit, tc.name, got, tc.want)
		}
	}
}
