package health

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/platform/web"
)

// IntegrationAppointmentList is a page of a facility's appointments as its
// client sees them.
type IntegrationAppointmentList struct {
	Items      []IntegrationAppointment `json:"items"`
	NextCursor *string                  `json:"next_cursor"`
} // @name IntegrationAppointmentList

// clientDay godoc
//
//	@Summary		Your facility's appointments on one day
//	@Description	For a third-party client with health.appointments:read: the appointments at the facility the client is bound to on a local date, ordered by start and queue number. Each shows its slot (times, doctor, specialty), queue number and status, never the patient, the reason for the visit or the facility's cancellation note. Each patient's access log records the read under the client's ID.
//	@ID				listIntegrationAppointments
//	@Tags			integrations
//	@Produce		json
//	@Param			date	query		string	false	"local date YYYY-MM-DD (default: today)"	format(date)
//	@Param			limit	query		int		false	"page size (default 20, at most 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	IntegrationAppointmentList
//	@Failure		400		{object}	web.Problem
//	@Failure		401		{object}	web.Problem
//	@Failure		403		{object}	web.Problem
//	@Security		BearerAuth
//	@Security		OAuth2[health.appointments:read]
//	@Router			/api/v1/integrations/appointments [get]
func (h *Handler) clientDay(c echo.Context) error {
	p, err := web.Page(c)
	if err != nil {
		return err
	}
	res, err := h.svc.ClientDay(c.Request().Context(), web.Principal(c), c.QueryParam("date"), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, IntegrationAppointmentList{Items: res.Items, NextCursor: res.NextCursor})
}
