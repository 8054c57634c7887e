package sheet

import (
	"context"
	"io"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// Write lays out a sheet of the selected layers and writes it to w in the
// request's format: the one call a server or a command needs. A bad
// request is a *RequestError (a 400 for a server) before anything is
// written; other errors — a cancelled context, a failed write — come from
// drawing or writing.
func Write(ctx context.Context, w io.Writer, r *tiles.Renderer, sel overlays.Selection, req Request) error {
	s, err := New(r, sel, req)
	if err != nil {
		return err
	}
	if s.Request.Format == PNG {
		return s.WritePNG(ctx, w)
	}
	return s.WritePDF(ctx, w)
}
