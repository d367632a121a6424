package csvfile

import "encoding/csv"

func errBareQuote() error { return csv.ErrBareQuote }
func errQuote() error     { return csv.ErrQuote }
