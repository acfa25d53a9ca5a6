package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Listen calls changed for every PostgreSQL notification on channel until
// ctx ends, holding one connection of the pool for it. It also calls
// changed each time it starts listening, after a lost connection too,
// since notifications sent meanwhile are gone. On SQLite, where one process
// is the only writer, it returns at once.
func (d *DB) Listen(ctx context.Context, channel string, changed func(), log *slog.Logger) {
	if d.Dialect != Postgres {
		return
	}
	for {
		err := d.listenOnce(ctx, channel, changed)
		if ctx.Err() != nil {
			return
		}
		log.Warn("listen for notifications; retrying", "channel", channel, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (d *DB) listenOnce(ctx context.Context, channel string, changed func()) error {
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("the PostgreSQL driver is not pgx")
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			return errors.Join(err, driver.ErrBadConn)
		}
		changed()
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				// The connection still listens: the pool must not reuse it.
				return errors.Join(err, driver.ErrBadConn)
			}
			changed()
		}
	})
}
