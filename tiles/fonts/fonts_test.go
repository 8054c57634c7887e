package fonts_test

import (
	"fmt"
	"testing"

	"github.com/xiang-maps/xiang/tiles/fonts"
)

func TestWidth(t *testing.T) {
	fs := fonts.Load(nil)
	tests := map[string]struct {
		style fonts.Style
		size  float64
		text  string
		check func(w float64) bool
	}{
		"empty":          {fonts.Regular, 12, "", func(w float64) bool { return w == 0 }},
		"latin":          {fonts.Regular, 12, "Hengyang", func(w float64) bool { return w > 40 && w < 70 }},
		"bold is wider":  {fonts.Bold, 12, "Hengyang", func(w float64) bool { return w > fs.Width(fonts.Regular, 12, "Hengyang") }},
		"scales":         {fonts.Regular, 24, "Hengyang", func(w float64) bool { return w > 1.9*fs.Width(fonts.Regular, 12, "Hengyang") }},
		"no CJK font: 0": {fonts.CJK, 12, "衡阳", func(w float64) bool { return w == 0 }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if w := fs.Width(tc.style, tc.size, tc.text); !tc.check(w) {
				t.Errorf("Width(%d, %g, %q) = %g", tc.style, tc.size, tc.text, w)
			}
		})
	}
	if fs.Face(fonts.CJK, 12) != nil {
		t.Error("Face(CJK) without a CJK font: want nil")
	}
	if _, ok := fs.HasCJK(); ok {
		t.Error("HasCJK with no paths: want false")
	}
}

func ExampleSet_Width() {
	fs := fonts.Load(nil) // the Go fonts only
	fmt.Printf("%.1f px\n", fs.Width(fonts.Bold, 13, "Changsha"))
	// Output: 62.8 px
}
