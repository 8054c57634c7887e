package geo

import (
	"errors"
	"testing"
)

func TestParseStep(t *testing.T) {
	good := map[string]Step{"P1D": {Days: 1}, "P7D": {Days: 7}, "P2W": {Days: 14}, "P1M": {Months: 1}}
	for in, want := range good {
		if got, err := ParseStep(in); err != nil || got != want {
			t.Errorf("ParseStep(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "PD", "P0D", "P-1D", "P+1D", "1D", "P1Y", "P1H", "PT1H", "P99999D", "p1d"} {
		if _, err := ParseStep(in); err == nil {
			t.Errorf("ParseStep(%q): no error", in)
		}
	}
}

func TestStepRange(t *testing.T) {
	from, to := Date(1944, 6, 1), Date(1944, 6, 30)
	days, err := Step{Days: 7}.Range(from, to, 100)
	if err != nil || len(days) != 5 || days[4] != Date(1944, 6, 29) {
		t.Errorf("weekly June: %v, %v", days, err)
	}
	months, err := Step{Months: 1}.Range(Date(1944, 5, 31), Date(1944, 9, 1), 100)
	if err != nil || len(months) != 4 {
		t.Errorf("monthly: %v, %v", months, err)
	}
	if _, err := (Step{Days: 1}).Range(from, Date(1945, 6, 1), 240); !errors.Is(err, ErrTooManyFrames) {
		t.Errorf("a year by day: err = %v, want ErrTooManyFrames", err)
	}
	if _, err := (Step{Days: 1}).Range(to, from, 10); err == nil {
		t.Error("reversed range: no error")
	}
}

func TestAutoStep(t *testing.T) {
	tests := []struct {
		from, to Day
		want     Step
	}{
		{Date(1944, 6, 1), Date(1944, 6, 30), Step{Days: 1}},
		{Date(1944, 5, 27), Date(1944, 8, 8), Step{Days: 1}},
		{Date(1944, 5, 1), Date(1945, 8, 23), Step{Days: 2}},
		{Date(1944, 1, 1), Date(1946, 12, 31), Step{Days: 7}},
		{Date(1900, 1, 1), Date(1999, 12, 31), Step{Months: 6}},
	}
	for _, tc := range tests {
		got := AutoStep(tc.from, tc.to, 240)
		if got != tc.want {
			t.Errorf("AutoStep(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
		if days, err := got.Range(tc.from, tc.to, 240); err != nil || len(days) == 0 {
			t.Errorf("%v over %s..%s: %d frames, %v", got, tc.from, tc.to, len(days), err)
		}
	}
}
