package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Compressed is a JSON answer kept with its gzip form, for an answer sent
// many times (a remembered search): compressed once, not per request.
type Compressed struct {
	Body, Gzip []byte
}

// gzipWriters are reused: a new writer clears a megabyte of tables.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// Compress returns body with its gzip form, at the fastest level, as the
// compression middleware uses.
func Compress(body []byte) (Compressed, error) {
	var buf bytes.Buffer
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(body); err != nil {
		return Compressed{}, err
	}
	if err := w.Close(); err != nil {
		return Compressed{}, err
	}
	return Compressed{Body: body, Gzip: buf.Bytes()}, nil
}

// SendCompressed sends a JSON answer, its gzip form when the request
// accepts gzip and it is the shorter. Only routes registered with
// GETCompressed use it: the compression middleware leaves those alone.
func SendCompressed(c echo.Context, status int, a Compressed) error {
	header := c.Response().Header()
	header.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") && len(a.Gzip) < len(a.Body) {
		header.Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(status, echo.MIMEApplicationJSON, a.Gzip)
	}
	return c.JSONBlob(status, a.Body)
}

// GETCompressed registers a GET route whose handler sends its answers with
// SendCompressed.
func (r *Router) GETCompressed(path, perm string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Handle(http.MethodGet, path, perm, h, mw...)
	(*r.routes)[len(*r.routes)-1].Compressed = true
}
