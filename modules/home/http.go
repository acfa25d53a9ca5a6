package home

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the home module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// NotificationList is a page of notifications.
type NotificationList struct {
	Items      []notify.Notification `json:"items"`
	NextCursor *string               `json:"next_cursor"`
} // @name NotificationList

// AccessLog is a page of access entries.
type AccessLog struct {
	Items      []AccessEntry `json:"items"`
	NextCursor *string       `json:"next_cursor"`
} // @name AccessLog

func language(c echo.Context) string {
	lang := i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
	c.Response().Header().Set("Content-Language", lang)
	return lang
}

// overview godoc
//
//	@Summary		Your home screen
//	@Description	In one request: upcoming appointments (yours and your dependants'), school applications open and decided, live parking permits (ends_soon in their last 7 days) and the number of unread notifications.
//	@ID				getOverview
//	@Tags			home
//	@Produce		json
//	@Success		200	{object}	Overview
//	@Failure		401	{object}	web.Problem
//	@Failure		403	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/overview [get]
func (h *Handler) overview(c echo.Context) error {
	o, err := h.svc.Overview(c.Request().Context(), web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

// notifications godoc
//
//	@Summary		Your notifications
//	@Description	Unread first, then newest first; texts in the language of Accept-Language (ur or en). Each lists how its SMS and e-mail went out.
//	@ID				listNotifications
//	@Tags			home
//	@Produce		json
//	@Param			Accept-Language	header		string	false	"ur for Urdu"
//	@Param			limit			query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	NotificationList
//	@Failure		400				{object}	web.Problem
//	@Failure		401				{object}	web.Problem
//	@Failure		403				{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/notifications [get]
func (h *Handler) notifications(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Notifications(c.Request().Context(), web.Principal(c), language(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, NotificationList{Items: res.Items, NextCursor: res.NextCursor})
}

// markRead godoc
//
//	@Summary		Mark a notification read
//	@Description	Marks one of the caller's notifications read; it stays in the list. Another account's is 404.
//	@ID				markNotificationRead
//	@Tags			home
//	@Produce		json
//	@Param			id	path		string	true	"notification ID"	format(uuid)
//	@Success		200	{object}	notify.Notification
//	@Failure		400	{object}	web.Problem
//	@Failure		401	{object}	web.Problem
//	@Failure		404	{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/notifications/{id}/read [post]
func (h *Handler) markRead(c echo.Context) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.svc.MarkRead(c.Request().Context(), web.Principal(c), id, language(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// accessLog godoc
//
//	@Summary		Who used your data
//	@Description	Every read or change of your or your dependants' records by staff or third-party clients, newest first: time, department, role and unit (never a staff member's name) and the purpose.
//	@ID				getAccessLog
//	@Tags			home
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	AccessLog
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Router			/api/v1/me/access-log [get]
func (h *Handler) accessLog(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.AccessLog(c.Request().Context(), web.Principal(c), language(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AccessLog{Items: res.Items, NextCursor: res.NextCursor})
}
