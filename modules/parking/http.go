package parking

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Handler serves the parking module over HTTP.
type Handler struct {
	svc *Service
}

// NewHandler returns a Handler for svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// ZoneList is a page of zones.
type ZoneList struct {
	Items      []Zone  `json:"items"`
	NextCursor *string `json:"next_cursor"`
} // @name ZoneList

// listZones godoc
//
//	@Summary		List parking zones
//	@Description	Public. Zones with their permit quota, places held and current tariffs in PKR; ordered by name.
//	@ID				listZones
//	@Tags			parking
//	@Produce		json
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	ZoneList
//	@Failure		400		{object}	web.Problem
//	@Router			/api/v1/parking/zones [get]
func (h *Handler) listZones(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Zones(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ZoneList{Items: res.Items, NextCursor: res.NextCursor})
}
