package slots_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/slots"
)

type gauge struct{ n int }

func (g *gauge) Inc() { g.n++ }
func (g *gauge) Dec() { g.n-- }

func TestPool(t *testing.T) {
	g := &gauge{}
	p := slots.NewPool(1, g)
	if err := p.Acquire(context.Background()); err != nil || g.n != 1 {
		t.Fatalf("acquire: %v, gauge %d", err, g.n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second acquire of one slot: %v, want the deadline", err)
	}
	p.Release()
	if err := p.Work(context.Background(), func() error { return nil }); err != nil || g.n != 0 {
		t.Fatalf("work: %v, gauge %d", err, g.n)
	}
}

func TestSlotHandOver(t *testing.T) {
	tests := map[string]struct {
		releaseFirst bool
		want         bool
	}{
		"handed over":        {false, true},
		"let go before work": {true, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := &gauge{}
			p := slots.NewPool(1, g)
			s, err := p.Take(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tc.releaseFirst {
				s.Release()
			}
			if got := s.HandOver(); got != tc.want {
				t.Fatalf("HandOver = %v, want %v", got, tc.want)
			}
			s.Release() // a no-op once handed over or released
			if tc.want {
				p.Release()
			}
			if g.n != 0 {
				t.Errorf("gauge %d after all is given back", g.n)
			}
		})
	}
}

func TestClients(t *testing.T) {
	var c slots.Clients
	done1, ok1 := c.Admit("a", 2)
	_, ok2 := c.Admit("a", 2)
	_, ok3 := c.Admit("a", 2)
	_, okB := c.Admit("b", 2)
	if !ok1 || !ok2 || ok3 || !okB {
		t.Fatalf("admits %v %v %v %v, want true true false true", ok1, ok2, ok3, okB)
	}
	done1()
	if _, ok := c.Admit("a", 2); !ok {
		t.Error("a slot given back is not admitted again")
	}
	if _, ok := c.Admit("a", -1); !ok {
		t.Error("a negative max admits all")
	}
}
