package maplibre

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// FuzzParseTile checks that any path variables parse to a valid tile at
// zoom 0 to vector.MaxZoom whose canonical form is the input, or fail with
// a 4xx naming the part.
func FuzzParseTile(f *testing.F) {
	for _, s := range [][4]string{{"all", "9", "415", "215"}, {"all", "15", "0", "0"}, {"a,b", "0", "0", "0"}, {"", "x", "-1", "01"}} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, layers, z, x, y string) {
		req, err := parseTile(map[string]string{"layers": layers, "z": z, "x": x, "y": y})
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Part == "" || ae.Status < 400 || ae.Status >= 500 {
				t.Fatalf("error %v: want a 4xx *api.Error naming a part", err)
			}
			if ae.Status == http.StatusNotFound && ae.Part != "z" {
				t.Fatalf("404 for part %s", ae.Part)
			}
			return
		}
		tl := req.tile
		if !tl.Valid() || tl.Z > vector.MaxZoom || req.layers != layers {
			t.Fatalf("parsed %+v from %q %q %q %q", req, layers, z, x, y)
		}
		if strconv.Itoa(int(tl.Z)) != z || strconv.Itoa(int(tl.X)) != x || strconv.Itoa(int(tl.Y)) != y {
			t.Fatalf("%s/%s/%s parsed to %d/%d/%d", z, x, y, tl.Z, tl.X, tl.Y)
		}
	})
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"br, GZIP;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"identity"}, false},
		{[]string{"*"}, true},
		{[]string{"deflate", "gzip"}, true},
	} {
		if got := acceptsGzip(tc.values); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.values, got, tc.want)
		}
	}
}

// FuzzAcceptsGzip checks that any Accept-Encoding value is read without
// panicking and that a q=0 for gzip alone never accepts it.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip;q=0", "br, gzip;q=0.5", "*", ";;,,q=", "identity"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		acceptsGzip([]string{v})
		if acceptsGzip([]string{"gzip;q=0" + v}) && !strings.Contains(v, ",") {
			q := strings.TrimSpace(strings.TrimPrefix("q=0"+v, "q="))
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				t.Fatalf("gzip;q=0%s accepted", v)
			}
		}
	})
}
