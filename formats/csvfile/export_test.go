package csvfile

import "encoding/csv"

func errBareQuote() error { return csv.ErrBareQuote }
