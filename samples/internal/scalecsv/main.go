// Command scalecsv writes a HubSpot-shaped contacts export of any size for
// scale measurements (issue 14): Record ID from 1000, First Name, Last Name,
// a unique Email, a UK Phone Number, a Company Name drawn from 100k names
// "Org N Ltd", Job Title, City and Country/Region. The output depends only on
// -rows and -seed, so two runs with the same flags write the same bytes.
//
//	go run ./samples/internal/scalecsv -rows 1000000 -o /tmp/contacts-1m.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
)

var (
	firstNames = []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy",
		"Leo", "Lily", "Arthur", "Freya", "Muhammad", "Florence", "Oscar", "Willow", "Charlie", "Emily",
		"Siobhan", "Dafydd", "Priya", "Zoë", "Seán", "Aoife", "Ravi", "Chloé", "Björn", "Ngozi"}
	lastNames = []string{"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
		"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
		"O'Brien", "Patel", "Khan", "MacDonald", "Nowak", "Okafor", "Lewis", "Harris", "Clarke", "Jackson"}
	titles = []string{"Head of Sales", "Account Manager", "Operations Director", "Marketing Lead", "CFO",
		"Office Manager", "Software Engineer", "Procurement Officer", "Managing Director", "HR Business Partner", ""}
	cities = []string{"London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Cardiff", "Edinburgh",
		"Belfast", "Liverpool", "Newcastle upon Tyne", "Sheffield", "Nottingham", "Brighton", ""}
	// UK area codes and subscriber-number lengths so the numbers parse as
	// valid GB numbers.
	areas = []struct{ code, fmt string }{
		{"20", "%s %04d %04d"}, {"161", "%s %03d %04d"}, {"121", "%s %03d %04d"},
		{"113", "%s %03d %04d"}, {"141", "%s %03d %04d"}, {"117", "%s %03d %04d"},
	}
)

func main() {
	rows := flag.Int("rows", 1_000_000, "data rows to write")
	seed := flag.Uint64("seed", 14, "random seed")
	out := flag.String("o", "-", "output file ('-' for standard output)")
	flag.Parse()
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scalecsv:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := write(w, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "scalecsv:", err)
		os.Exit(1)
	}
}

func write(w io.Writer, rows int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 0x1414))
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,City,Country/Region\r\n")
	var line []byte
	for i := range rows {
		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		a := areas[r.IntN(len(areas))]
		line = line[:0]
		line = strconv.AppendInt(line, int64(1000+i), 10)
		line = append(line, ',')
		line = append(line, first...)
		line = append(line, ',')
		line = appendCSV(line, last)
		line = append(line, ',')
		// Unique: the row number is part of the address.
		line = fmt.Appendf(line, "%s.%s.%d@example.com", asciiLower(first), asciiLower(last), i)
		line = append(line, ',')
		var phone string
		if a.code == "20" {
			phone = fmt.Sprintf(a.fmt, "+44 "+a.code, 7000+r.IntN(2000), r.IntN(10000))
		} else {
			phone = fmt.Sprintf(a.fmt, "+44 "+a.code, 400+r.IntN(500), r.IntN(10000))
		}
		line = append(line, phone...)
		line = append(line, ',')
		line = fmt.Appendf(line, "Org %d Ltd", r.IntN(100_000))
		line = append(line, ',')
		line = append(line, titles[r.IntN(len(titles))]...)
		line = append(line, ',')
		line = append(line, cities[r.IntN(len(cities))]...)
		line = append(line, ",United Kingdom\r\n"...)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendCSV(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' || s[i] == '"' {
			b = append(b, '"')
			for j := 0; j < len(s); j++ {
				if s[j] == '"' {
					b = append(b, '"')
				}
				b = append(b, s[j])
			}
			return append(b, '"')
		}
	}
	return append(b, s...)
}

// asciiLower lower-cases and keeps only a-z, so e-mail local parts stay plain.
func asciiLower(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r+'a'-'A'))
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r))
		}
	}
	return string(b)
}
