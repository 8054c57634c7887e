package canon

import (
	"net/url"
	"testing"

	"github.com/xiang-maps/xiang/tiles"
)

// TestLocationResolves: the relative Location of a dated and of a summary
// tile resolves to the content address, behind a prefix too, and Parse
// reads back what Name writes.
func TestLocationResolves(t *testing.T) {
	key := tiles.Key{1, 2, 3, 15}
	// The server sees path; the client asked for client (a proxy may
	// strip a prefix).
	for _, c := range []struct{ path, client, want string }{
		{"/tiles/all/1944-06-01/10/830/432.png", "/tiles/all/1944-06-01/10/830/432.png", "/tiles/k/" + key.String() + "@2x.png"},
		{"/tiles/all/10/830/432.png", "/tiles/all/10/830/432.png", "/tiles/k/" + key.String() + "@2x.png"},
		{"/tiles/all/1944-06-01/10/830/432.png", "/maps/tiles/all/1944-06-01/10/830/432.png", "/maps/tiles/k/" + key.String() + "@2x.png"},
	} {
		base, _ := url.Parse("http://h" + c.client)
		loc := Location(c.path, key, false, 2)
		ref, _ := url.Parse(loc)
		if got := base.ResolveReference(ref).Path; got != c.want {
			t.Errorf("%s: Location %s resolves to %s, want %s", c.client, loc, got, c.want)
		}
	}
	for _, n := range []string{Name(key, false, 1), Name(key, false, 2), Name(key, true, 1), Name(key, true, 2)} {
		k, empty, scale, err := Parse(n)
		if err != nil || Name(k, empty, scale) != n {
			t.Errorf("Parse(%s) = %v %v %d %v", n, k, empty, scale, err)
		}
	}
	for _, bad := range []string{"x.png", "empty.jpg", key.String() + "@3x.png", "zz" + key.String()[2:] + ".png"} {
		if _, _, _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%s): no error", bad)
		}
	}
}
