package geo_test

import (
	"fmt"

	"github.com/xiang-maps/xiang/geo"
)

func ExampleParseDate() {
	for _, s := range []string{"1944", "1944-06", "1944-06-18", "1944-02-30"} {
		sp, err := geo.ParseDate(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(sp.From, sp.To, sp.Days())
	}
	// Output:
	// 1944-01-01 1944-12-31 366
	// 1944-06-01 1944-06-30 30
	// 1944-06-18 1944-06-18 1
	// date "1944-02-30": invalid date: day out of range
}

func ExampleParseDays() {
	days, err := geo.ParseDays("1944-07-10/1944-07-24/P7D", 100)
	if err != nil {
		panic(err)
	}
	fmt.Println(days)
	// Output: [1944-07-10 1944-07-17 1944-07-24]
}
