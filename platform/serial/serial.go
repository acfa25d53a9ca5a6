// Package serial issues the numbers people read aloud: an application's
// APP-2027-000042 that a parent quotes to a school office. Each series
// keeps its last number in one row; taking the next one locks that row
// until the transaction ends, so numbers are unique across instances and a
// rolled-back number is issued again.
package serial

import (
	"context"
	"fmt"

	"github.com/islamabad-digital/citizenapi/platform/db"
)

// Next issues the next number of series in the caller's transaction and
// returns it written series-NNNNNN. Take it as late in the transaction as
// possible: concurrent transactions of one series wait for it to end.
func Next(ctx context.Context, d *db.DB, series string) (string, error) {
	var n int64
	err := d.Conn(ctx).Raw(`INSERT INTO serials (series, last_issued) VALUES (?, 1)
		ON CONFLICT (series) DO UPDATE SET last_issued = serials.last_issued + 1
		RETURNING last_issued`, series).Scan(&n).Error
	if err != nil {
		return "", db.Translate(err, "")
	}
	return Format(series, n), nil
}

// Format writes the n-th number of series.
func Format(series string, n int64) string { return fmt.Sprintf("%s-%06d", series, n) }
