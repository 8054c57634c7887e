package cache_test

import (
	"context"
	"fmt"

	"github.com/xiang-maps/xiang/tiles/cache"
)

// A cache of rendered bytes bounded at 1 KiB: Do loads a missing key once,
// however many callers ask for it at the same time, and later calls hit.
func ExampleCache_Do() {
	c := cache.New(1<<10, func(k string, v []byte) int64 { return int64(len(k) + len(v)) })
	render := func(context.Context) ([]byte, error) { return []byte("PNG bytes"), nil }

	_, res, _ := c.Do(context.Background(), "10/832/432", render)
	fmt.Println(res)
	v, res, _ := c.Do(context.Background(), "10/832/432", render)
	fmt.Println(res, string(v), c.Stats().Bytes)
	// Output:
	// loaded
	// hit PNG bytes 19
}
