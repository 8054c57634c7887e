package overlays

import (
	"fmt"
	"slices"
	"testing"
)

func TestKeyTowns(t *testing.T) {
	place := func(name string) *Feature { return &Feature{Kind: KindPlace, Name: name} }
	changsha, yuelu, city, other := place("Changsha"), place("Yuelu Mountain"), place("Hengyang City"), place("Xiangtan")
	unit := &Feature{Kind: KindUnit, Name: "Changsha"}
	a := &Layer{ID: "changsha", Features: []*Feature{changsha, yuelu, unit, other}}
	b := &Layer{ID: "Yuelu", Features: nil}
	c := &Layer{ID: "hengyang", Features: []*Feature{city}}
	for _, tc := range []struct {
		name string
		sel  Selection
		want []*Feature
	}{
		{"a layer names its town", Selection{a}, []*Feature{changsha}},
		{"another selected layer names a town; ids fold case", Selection{a, b}, []*Feature{changsha, yuelu}},
		{"a trailing City is dropped", Selection{c}, []*Feature{city}},
		{"only places of the selection", Selection{b, c}, []*Feature{city}},
		{"none", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.sel.KeyTowns()
			var names []string
			for f := range got {
				names = append(names, f.Name)
			}
			slices.Sort(names)
			if len(got) != len(tc.want) {
				t.Fatalf("KeyTowns() = %v, want %d towns", names, len(tc.want))
			}
			for _, f := range tc.want {
				if !got[f] {
					t.Errorf("KeyTowns() = %v, missing %s", names, f.Name)
				}
			}
		})
	}
}

func ExampleSelection_KeyTowns() {
	c, err := LoadDir("testdata/good")
	if err != nil {
		fmt.Println(err)
		return
	}
	// testdata/good has no layer named after a town.
	fmt.Println(len(Selection(c.Layers).KeyTowns()), "key towns")
	// Output: 0 key towns
}
