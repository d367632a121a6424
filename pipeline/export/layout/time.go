package layout

import (
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// dateTime is a calendar date as midnight UTC, the formats Date form.
func dateTime(d capsule.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}
