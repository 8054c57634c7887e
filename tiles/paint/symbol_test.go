package paint

import (
	"image/color"
	"testing"

	"github.com/xiang-maps/xiang/overlays"
)

func TestSymbolName(t *testing.T) {
	red := color.NRGBA{0xc8, 0x10, 0x2e, 0xff}
	for _, tc := range []struct {
		s    Symbol
		want string
	}{
		{NewSymbol(overlays.KindUnit, red, 1, 1), "unit-infantry-none-c8102eff"},
		{NewSymbol(overlays.KindUnit, red, 0.55, 2), "unit-infantry-none-c8102eff"},
		{NewSymbol(overlays.KindPlace, Ink, 1, 1).WithRank(1), "place-r1-222222ff"},
		{NewSymbol(overlays.KindArtillery, red, 1, 1), "artillery-c8102eff"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.s.Name(); got != tc.want {
				t.Errorf("Name() = %q, want %q", got, tc.want)
			}
		})
	}
}
