package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// adminCommand runs "admin create --email E --name N", reading the password
// from standard input so that it never appears in the process list or the
// shell history.
func adminCommand(ctx context.Context, cfg config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: citizenapi admin create --email E --name N (password on standard input)")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	email := fs.String("email", "", "the admin's e-mail, used to sign in")
	name := fs.String("name", "", "the admin's full name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return errors.New("admin create needs --email and --name")
	}
	fmt.Fprintln(stdout, "Password (at least 12 characters), then Enter:")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	m, d, err := modules(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	acc, err := m.Identity.CreateAdmin(ctx, *email, *name, password)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "Created platform admin %s (%s). Sign in with POST /api/v1/auth/login.\n", acc.Email, acc.ID)
	return nil
}

// explain spells out a domain error's field messages for the terminal.
func explain(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	parts := make([]string, len(de.Fields))
	for i, f := range de.Fields {
		parts[i] = f.Field + " " + i18n.T(i18n.English, f.Key, f.Params)
	}
	return errors.New(strings.Join(parts, "; "))
}
