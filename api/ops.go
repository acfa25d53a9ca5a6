package api

import (
	"context"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/db"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Status is the body of the liveness and readiness answers.
type Status struct {
	Status string `json:"status" example:"ok"`
} // @name Status

func registerRuntimeCollectors(registry *prometheus.Registry, d *db.DB) error {
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.SQL(), string(d.Dialect)),
	} {
		if err := registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) mountOps(registry *prometheus.Registry) {
	s.Echo.GET("/healthz", s.healthz)
	s.Echo.GET("/readyz", s.readyz)
	s.ops = opsHandler(registry)
}

// opsHandler serves metrics and profiles for operators. It is mounted only
// on the operations listener (OPS_ADDR), never on the public one: profiles
// reveal internals and cost CPU, and metrics name every route.
func opsHandler(registry *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Ops is the handler for the operations listener: /metrics and /debug/pprof.
func (s *Server) Ops() http.Handler { return s.ops }

// healthz godoc
//
//	@Summary		Liveness
//	@Description	Answers 200 while the process is serving.
//	@ID				getHealthz
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Status
//	@Router			/healthz [get]
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, Status{Status: "ok"})
}

// readyz godoc
//
//	@Summary		Readiness
//	@Description	Answers 200 when the database answers and the server is not shutting down, else 503.
//	@ID				getReadyz
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Status
//	@Failure		503	{object}	Status
//	@Router			/readyz [get]
func (s *Server) readyz(c echo.Context) error {
	if !s.ready.Load() {
		return c.JSON(http.StatusServiceUnavailable, Status{Status: "shutting down"})
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.deps.DB.SQL().PingContext(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, Status{Status: "database unavailable"})
	}
	return c.JSON(http.StatusOK, Status{Status: "ok"})
}

// MessageList is a page of messages the development sender recorded.
type MessageList struct {
	Items      []notify.Message `json:"items"`
	NextCursor *string          `json:"next_cursor"`
} // @name MessageList

// devMessages godoc
//
//	@Summary		Messages the development sender recorded
//	@Description	Development only (404 in production): the SMS and e-mail the service would have sent, newest first. `to` may be written as the phone was registered (0300-1234567 or +923001234567).
//	@ID				listDevMessages
//	@Tags			operations
//	@Produce		json
//	@Param			to		query		string	false	"recipient phone or e-mail"
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	MessageList
//	@Failure		400		{object}	web.Problem
//	@Router			/dev/messages [get]
func devMessages(sender *notify.DevSender) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := web.Page(c)
		if err != nil {
			return err
		}
		to := c.QueryParam("to")
		if phone, err := identity.NormalizePhone("to", to); err == nil {
			to = phone
		}
		res, err := sender.Messages(c.Request().Context(), to, p)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, MessageList{Items: res.Items, NextCursor: res.NextCursor})
	}
}
