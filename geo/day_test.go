package geo

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := map[string]struct {
		in       string
		from, to string
	}{
		"day":           {"1944-06-18", "1944-06-18", "1944-06-18"},
		"month":         {"1944-06", "1944-06-01", "1944-06-30"},
		"february leap": {"1944-02", "1944-02-01", "1944-02-29"},
		"february":      {"1945-02", "1945-02-01", "1945-02-28"},
		"year":          {"1944", "1944-01-01", "1944-12-31"},
		"leap day":      {"1944-02-29", "1944-02-29", "1944-02-29"},
		"december":      {"1945-12", "1945-12-01", "1945-12-31"},
		"epoch":         {"1970-01-01", "1970-01-01", "1970-01-01"},
		"year one":      {"0001-01-01", "0001-01-01", "0001-01-01"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			if got.From.String() != tc.from || got.To.String() != tc.to {
				t.Errorf("ParseDate(%q) = %s..%s, want %s..%s", tc.in, got.From, got.To, tc.from, tc.to)
			}
			if got.String() != tc.in {
				t.Errorf("ParseDate(%q).String() = %q", tc.in, got.String())
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	for _, in := range []string{
		"", "44", "19440", "1944-6", "1944-6-18", "1944-02-30", "1945-02-29", "1944-13", "1944-00",
		"1944-06-31", "1944-06-00", "0000", "+944-06-18", "1944/06/18", "1944-06-18T00:00",
		" 1944", "1944-06-1x", "１９４４", "1944--6-18",
	} {
		if sp, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, sp)
		} else if !errors.Is(err, ErrDate) {
			t.Errorf("ParseDate(%q): error %v does not wrap ErrDate", in, err)
		}
	}
}

func TestParseDay(t *testing.T) {
	d, err := ParseDay("1944-08-08")
	if err != nil || d != Date(1944, time.August, 8) {
		t.Fatalf("ParseDay = %v, %v", d, err)
	}
	for _, in := range []string{"1944", "1944-08", "1944-02-30", "x"} {
		if _, err := ParseDay(in); !errors.Is(err, ErrDate) {
			t.Errorf("ParseDay(%q) err = %v, want ErrDate", in, err)
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	a, b := Date(1944, 6, 23), Date(1944, 8, 8)
	if n := (Span{a, b}).Days(); n != 47 {
		t.Errorf("1944-06-23..1944-08-08 = %d days, want 47", n)
	}
	if d := Date(1969, 12, 31); d != -1 {
		t.Errorf("1969-12-31 = %d, want -1", d)
	}
	if got := DayOf(time.Date(1944, 6, 18, 23, 59, 0, 0, time.UTC)); got.String() != "1944-06-18" {
		t.Errorf("DayOf late evening = %s", got)
	}
}

func TestSpanContainsInclusive(t *testing.T) {
	s, _ := ParseDate("1944-06")
	for _, tc := range []struct {
		day  string
		want bool
	}{{"1944-05-31", false}, {"1944-06-01", true}, {"1944-06-15", true}, {"1944-06-30", true}, {"1944-07-01", false}} {
		d, _ := ParseDay(tc.day)
		if got := s.Contains(d); got != tc.want {
			t.Errorf("%v contains %s = %v, want %v", s, tc.day, got, tc.want)
		}
	}
	if !All.Contains(Date(1, 1, 1)) || !All.Contains(Date(9999, 12, 31)) || All.Contains(NoDay) {
		t.Error("All must hold every day but NoDay")
	}
}

func TestSpanString(t *testing.T) {
	tests := []struct {
		s    Span
		want string
	}{
		{Span{Date(1944, 6, 1), Date(1944, 6, 30)}, "1944-06"},
		{Span{Date(1944, 1, 1), Date(1944, 12, 31)}, "1944"},
		{Span{Date(1944, 6, 2), Date(1944, 6, 30)}, "1944-06-02/1944-06-30"},
		{Span{Date(1944, 6, 1), MaxDay}, "1944-06-01/.."},
		{All, "../.."},
	}
	for _, tc := range tests {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%d..%d: got %q, want %q", tc.s.From, tc.s.To, got, tc.want)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1944", "1944-06", "1944-06-18", "1944-13-01", "1944-02-30", "0001", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseDate(s) // bad input may fail, never panic
		if err != nil {
			if !errors.Is(err, ErrDate) {
				t.Fatalf("%q: error %v does not wrap ErrDate", s, err)
			}
			return
		}
		if sp.Empty() {
			t.Fatalf("%q: empty span %v", s, sp)
		}
		again, err := ParseDate(sp.String())
		if err != nil || again != sp {
			t.Fatalf("%q: round trip via %q gave %v, %v", s, sp.String(), again, err)
		}
	})
}
