package server

import (
	"net"
	"net/http"
	"strconv"

	"github.com/xiang-maps/xiang/internal/api"
)

// Render work is split in two pools so that cheap work cannot starve:
// tiles (plan and render) take slots of s.slots, MaxRenders of them; the
// expensive images (/static, /animate, /print) and GeoJSON exports take
// slots of s.imageSlots, MaxImageRenders of them. A client may have at
// most MaxImagesPerClient expensive requests waiting or running; more get
// a 429.

// retryAfterImage is the Retry-After, in seconds, of a 429 for too many
// images at once.
const retryAfterImage = 5

// admit counts one more expensive request of r's client, or returns a 429
// error when the client has max under way already; done uncounts it. The
// client is the peer's IP address: behind a proxy every client shares the
// proxy's, so set MaxImagesPerClient for it.
func (s *Server) admit(r *http.Request) (done func(), err error) {
	max := s.cfg.MaxImagesPerClient
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	done, ok := s.clients.Admit(ip, max)
	if !ok {
		return nil, &api.Error{Status: http.StatusTooManyRequests, Part: "client",
			Msg: "too many images at once: at most " + strconv.Itoa(max) +
				" images, animations, prints or exports per client may be drawn at a time; try again when one is done",
			RetryAfter: retryAfterImage}
	}
	return done, nil
}
